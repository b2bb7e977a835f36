import { faker } from '@faker-js/faker';
import { describe, expect, it } from 'vitest';
import { featureFlagFactory, grantRole, postFactory, userFactory } from './index.ts';
import { useTestDatabase } from '#kit-test/setup/test-database.ts';

const t = useTestDatabase();

describe('factories', () => {
  it('build makes a plain object with overrides and traits, without touching the database', async () => {
    const user = userFactory.build({ displayName: 'Grace' }, 'inactive');
    expect(user).toMatchObject({ displayName: 'Grace', active: false });
    expect(user.email).toMatch(/@example\.test$/);
    expect(await t.db.user.count({ where: { email: user.email } })).toBe(0);
  });

  it('create persists a row; related rows are created when not given', async () => {
    const post = await postFactory.create(t.db, {}, 'published');
    const stored = await t.db.post.findUniqueOrThrow({ where: { id: post.id }, include: { author: true } });
    expect(stored.status).toBe('PUBLISHED');
    expect(stored.author.email).toMatch(/@example\.test$/);

    const author = await userFactory.create(t.db);
    const mine = await postFactory.create(t.db, { author });
    expect(mine.authorId).toBe(author.id);
  });

  it('createMany inserts in batches with unique emails', async () => {
    const before = await t.db.user.count();
    const users = await userFactory.createMany(t.db, 5_000);
    expect(new Set(users.map((u) => u.email)).size).toBe(5_000);
    expect((await t.db.user.count()) - before).toBe(5_000);
  });

  it('is deterministic for a given faker seed', () => {
    faker.seed(42);
    const a = featureFlagFactory.build();
    faker.seed(42);
    const b = featureFlagFactory.build();
    expect(a.description).toBe(b.description);
  });

  it('grantRole links a user to a role', async () => {
    const user = await userFactory.create(t.db);
    await grantRole(t.db, user, 'admin');
    const roles = await t.db.userRole.findMany({ where: { userId: user.id }, include: { role: true } });
    expect(roles.map((r) => r.role.name)).toEqual(['admin']);
  });
});
