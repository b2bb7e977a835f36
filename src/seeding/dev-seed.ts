/**
 * The dev seed: a realistic local dataset built with the test factories (one definition of a valid
 * row), never reference data and never production. Deterministic for a given `seed`; idempotent:
 * named accounts are upserted by email, generated users have seed-derived emails and are skipped
 * when they already exist.
 */
import { faker } from '@faker-js/faker';
import { KitError } from '#kit/kit-error.ts';
import { assertDevelopmentServer } from '#kit/db/development-server.ts';
import type { PrismaClient } from '../db/client.ts';
// Dev-only code: the dataset is made with the same factories the tests use.
import { postFactory, userFactory, type Db } from '../../test/factories/index.ts';

export interface DevSeedOptions {
  users: number;
  seed: number;
  postsPerUser: number;
}

/** What `npm run setup` and a bare `npm run seed:dev` build. */
export const DEV_SEED_DEFAULTS: DevSeedOptions = { users: 20, seed: 1, postsPerUser: 3 };

export const NAMED_ACCOUNTS = [
  {
    email: 'admin@example.com',
    displayName: 'Ada Admin',
    active: true,
    role: 'admin',
    hint: 'admin role: manages users and roles',
  },
  { email: 'user@example.com', displayName: 'Uma User', active: true, role: 'member', hint: 'regular member' },
  {
    email: 'inactive@example.com',
    displayName: 'Ian Inactive',
    active: false,
    role: 'member',
    hint: 'deactivated account',
  },
] as const;

/** Throws unless the dev seed may write to this database: a development server, by its identity. */
export function assertDevSeedAllowed(url: string): Promise<void> {
  return assertDevelopmentServer(url, 'the dev seed', {
    production: 'Use npm run seed:reference for production data.',
  });
}

export interface DevSeedResult {
  namedAccounts: number;
  usersCreated: number;
  postsCreated: number;
}

/** All of it in one transaction: a failure leaves the database as it was. */
export async function seedDevData(client: PrismaClient, options: DevSeedOptions): Promise<DevSeedResult> {
  return client.$transaction((db) => seedInTransaction(db, options), { timeout: 10 * 60_000, maxWait: 30_000 });
}

async function seedInTransaction(db: Db, options: DevSeedOptions): Promise<DevSeedResult> {
  faker.seed(options.seed);
  for (const account of NAMED_ACCOUNTS) {
    const user = await db.user.upsert({
      where: { email: account.email },
      update: {},
      create: { email: account.email, displayName: account.displayName, active: account.active },
    });
    // Roles are reference data: the dev seed uses them but never creates them.
    const role = await db.role.findUnique({ where: { name: account.role } });
    if (!role) throw new KitError(`Role "${account.role}" is missing: run npm run seed:reference before the dev seed`);
    await db.userRole.upsert({
      where: { userId_roleId: { userId: user.id, roleId: role.id } },
      update: {},
      create: { userId: user.id, roleId: role.id },
    });
  }

  // Seed-derived emails make a re-run with the same seed find the same users.
  const emails = Array.from({ length: options.users }, (_, i) => `dev-${options.seed}-${i + 1}@example.test`);
  const existing = new Set(
    (await db.user.findMany({ where: { email: { in: emails } }, select: { email: true } })).map((u) => u.email),
  );
  const missing = emails.filter((email) => !existing.has(email));
  const users = await userFactory.createMany(db, missing.length, (i) => ({ email: missing[i] }));
  const posts = await postFactory.createMany(
    db,
    users.length * options.postsPerUser,
    (i) => ({ authorId: (users[Math.floor(i / options.postsPerUser)] as { id: number }).id }),
    'published',
  );
  return { namedAccounts: NAMED_ACCOUNTS.length, usersCreated: users.length, postsCreated: posts.length };
}
