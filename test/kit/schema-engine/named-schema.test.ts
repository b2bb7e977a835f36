/**
 * A URL that names a schema (`?schema=tenant_a`: a shared database, a Supabase project, a tenant per
 * schema), in a copy of the checkout on the demo project, with the real CLI and the kit's
 * commands. The native engine works in the named schema (it sets the search path to it); the
 * stand-in once created every table and `_prisma_migrations` in `public` and then called that
 * "up to date". Now migrations, their record, the reference seed, the backfill bookkeeping, the
 * plan and the app's client all live in and read `tenant_a`, and `public` stays empty.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withDatabase } from '#kit/db/connection-url.ts';
import { withPgClient } from '#kit/db/pg-client.ts';
import { createPrismaClient } from '../../../src/db/client.ts';
import { TEST_DATABASE_PREFIX } from '../setup/test-server.ts';
import { deployTimeCopy, query } from '../support/deploy-time-copy.ts';

const { copy, run } = deployTimeCopy('named-schema');
const database = `${TEST_DATABASE_PREFIX}named_schema_${process.pid}`;
const server = () => withDatabase(inject('testServerUrl'), 'postgres');
const url = () => `${withDatabase(inject('testServerUrl'), database)}?schema=tenant_a`;

beforeAll(() => withPgClient(server(), (client) => client.query(`CREATE DATABASE ${database}`)));
afterAll(async () => {
  copy.remove();
  await withPgClient(server(), (client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
});

const tablesBySchema = () =>
  query<{ schema: string; tables: number }>(
    url(),
    `SELECT table_schema AS schema, count(*)::int AS tables FROM information_schema.tables
      WHERE table_schema NOT IN ('pg_catalog', 'information_schema') GROUP BY 1 ORDER BY 1`,
  );

describe('DATABASE_URL with ?schema=tenant_a', () => {
  it('migrate deploy applies and records every migration in tenant_a, and status agrees', async () => {
    const deploy = run(url(), 'prisma', 'migrate', 'deploy');
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    const [only, ...others] = await tablesBySchema();
    expect(others).toEqual([]);
    expect(only).toMatchObject({ schema: 'tenant_a' });
    expect(await query(url(), `SELECT to_regclass('tenant_a._prisma_migrations') IS NOT NULL AS recorded`)).toEqual([
      { recorded: true },
    ]);
    const status = run(url(), 'prisma', 'migrate', 'status');
    expect(status.stdout).toContain('Database schema is up to date');
    // No drift either way: the history replayed (the linter's check) and the database itself.
    for (const from of [['--from-migrations', 'prisma/migrations'], ['--from-config-datasource']]) {
      const diff = run(
        url(),
        'prisma',
        'migrate',
        'diff',
        ...from,
        '--to-schema',
        'prisma/schema.prisma',
        '--exit-code',
      );
      expect(diff.code, `${from[0]}: ${diff.stdout}${diff.stderr}`).toBe(0);
    }
  });

  it("the kit's commands work in it: reference seed, backfill bookkeeping, plan; and the app's client reads it", async () => {
    const seed = run(url(), 'seed-reference');
    expect(seed.code, seed.stdout + seed.stderr).toBe(0);
    const roles = await query<{ n: number }>(url(), 'SELECT count(*)::int AS n FROM tenant_a.roles');
    expect(roles[0]!.n).toBeGreaterThan(0);

    const list = run(url(), 'backfill', '--list');
    expect(list.code, list.stdout + list.stderr).toBe(0);
    expect(list.stdout).toContain('user-timezone');

    const plan = run(url(), 'migrate-plan');
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toContain('Nothing to apply.');

    const db = createPrismaClient(url());
    try {
      expect(await db.role.count()).toBe(roles[0]!.n);
    } finally {
      await db.$disconnect();
    }
    // Nothing of it went to public.
    expect((await tablesBySchema()).map((row) => row.schema)).toEqual(['tenant_a']);
  });
});
