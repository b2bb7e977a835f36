/**
 * Prisma commands as a role that managed PostgreSQL services hand out: no superuser, no CREATEDB,
 * owner of its database and of a second one given as SHADOW_DATABASE_URL (Prisma's documented
 * way for such roles). The shadow database must be emptied before every replay, as the native
 * engine does, or the second replay fails on what the first one left.
 */
import { createTestRole } from '../support/test-roles.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withDatabase } from '#kit/db/connection-url.ts';
import { withPgClient } from '#kit/db/pg-client.ts';
import type { PrismaRun } from '#kit/prisma-cli.ts';
import { assertTestRoleCanCreate, TEST_DATABASE_PREFIX } from '../setup/test-server.ts';
import { createScratchProject } from '../support/scratch-project.ts';

const server = inject('testServerUrl');
const role = `kit_test_owner_${process.pid}`;
const password = 'owner-only-password';
const main = `${TEST_DATABASE_PREFIX}lp_main_${process.pid}`;
const shadow = `${TEST_DATABASE_PREFIX}lp_shadow_${process.pid}`;
const asRole = (database: string) => {
  const url = new URL(withDatabase(server, database));
  url.username = role;
  url.password = password;
  return url.toString();
};
const project = createScratchProject('least-privilege', { env: { SHADOW_DATABASE_URL: asRole(shadow) } });
const output = (run: PrismaRun) => run.stdout + run.stderr;

describe('a role without CREATEDB, with SHADOW_DATABASE_URL', () => {
  beforeAll(async () => {
    await withPgClient(server, async (client) => {
      await createTestRole(client, role, `LOGIN PASSWORD '${password}' NOSUPERUSER NOCREATEDB NOCREATEROLE`);
      for (const database of [main, shadow]) await client.query(`CREATE DATABASE ${database} OWNER ${role}`);
    });
    writeFileSync(
      join(project.dir, 'schema.prisma'),
      'datasource db {\n  provider = "postgresql"\n}\nenum Mood {\n  OK\n}\nmodel Note {\n  id   Int  @id @default(autoincrement())\n  mood Mood\n}\n',
    );
    project.addMigration(
      '20260101000000_init',
      'CREATE TYPE "Mood" AS ENUM (\'OK\');\nCREATE TABLE "Note" ("id" SERIAL NOT NULL, "mood" "Mood" NOT NULL, CONSTRAINT "Note_pkey" PRIMARY KEY ("id"));\n',
    );
  });
  afterAll(async () => {
    project.remove();
    await withPgClient(server, async (client) => {
      for (const database of [main, shadow]) await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await client.query(`DROP ROLE IF EXISTS ${role}`);
    });
  });

  it('migrate diff --from-migrations replays into the given shadow database, again and again', async () => {
    for (let run = 1; run <= 2; run += 1) {
      const diff = await project.prisma(
        asRole(main),
        'migrate',
        'diff',
        '--from-migrations',
        'migrations',
        '--to-schema',
        'schema.prisma',
        '--exit-code',
      );
      expect(diff.code, `run ${run}: ${output(diff)}`).toBe(0);
    }
  });

  it('migrate dev applies the migration and replays the history into the shadow database', async () => {
    const dev = await project.prisma(asRole(main), 'migrate', 'dev');
    expect(dev.code, output(dev)).toBe(0);
    expect(output(dev)).toMatch(/in sync/);
    const again = await project.prisma(asRole(main), 'migrate', 'dev');
    expect(again.code, output(again)).toBe(0);
  });

  it("a role without USAGE on the history's schema: deploy and status stop in one line, not an invariant violation", async () => {
    const outsider = `kit_test_nousage_${process.pid}`;
    await withPgClient(server, (client) =>
      createTestRole(client, outsider, `LOGIN PASSWORD '${password}' NOSUPERUSER NOCREATEDB NOCREATEROLE`),
    );
    try {
      // A schema of the owner's that grants nothing to others (as a new schema does), on every
      // major: on PostgreSQL 14 public can't be revoked by a database owner.
      await withPgClient(asRole(main), (client) => client.query('CREATE SCHEMA IF NOT EXISTS kit_history'));
      const url = new URL(asRole(main));
      url.username = outsider;
      url.searchParams.set('schema', 'kit_history');
      for (const command of [['deploy'], ['status']]) {
        const run = await project.prisma(url.toString(), 'migrate', ...command);
        expect(run.code, output(run)).not.toBe(0);
        expect(output(run)).toContain(
          `Error: The role "${outsider}" has no USAGE on the schema "kit_history", where Migrate keeps _prisma_migrations`,
        );
        expect(output(run)).not.toContain('Invariant violation');
      }
    } finally {
      await withPgClient(server, (client) => client.query(`DROP ROLE IF EXISTS ${outsider}`));
    }
  });

  it("migrate reset by a role that may not drop public empties it object by object, as the native engine's best-effort reset", async () => {
    // A role that owns the tables but not the schema (PostgreSQL 14's public belongs to the
    // bootstrap superuser): the engine's DROP SCHEMA fails, and it drops the tables, enums and
    // sequences in one raw command of many statements instead.
    const tenant = `kit_test_tenant_${process.pid}`;
    await withPgClient(server, (client) =>
      createTestRole(client, tenant, `LOGIN PASSWORD '${password}' NOSUPERUSER NOCREATEDB NOCREATEROLE`),
    );
    const database = `${TEST_DATABASE_PREFIX}lp_tenant_${process.pid}`;
    await withPgClient(server, (client) => client.query(`CREATE DATABASE ${database}`));
    // PostgreSQL 15+: only the database's owner may create in public; 14 lets every role.
    await withPgClient(withDatabase(server, database), (client) =>
      client.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${tenant}`),
    );
    const url = new URL(withDatabase(server, database));
    url.username = tenant;
    url.password = password;
    try {
      const deploy = await project.prisma(url.toString(), 'migrate', 'deploy');
      expect(deploy.code, output(deploy)).toBe(0);
      const reset = await project.prisma(url.toString(), 'migrate', 'reset', '--force');
      expect(reset.code, output(reset)).toBe(0);
      expect(output(reset)).toContain('Database reset successful');
      const owner = await withPgClient(
        withDatabase(server, database),
        async (client) =>
          (await client.query(`SELECT tableowner FROM pg_tables WHERE tablename = 'Note'`)).rows[0]?.tableowner,
      );
      expect(owner).toBe(tenant);
    } finally {
      await withPgClient(server, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await client.query(`DROP ROLE IF EXISTS ${tenant}`);
      });
    }
  });

  it('as TEST_DATABASE_URL, the same role is refused in one line that names what it lacks', async () => {
    await expect(assertTestRoleCanCreate(asRole(main))).rejects.toThrow(
      new RegExp(
        `^TEST_DATABASE_URL's role ${role} lacks CREATEDB and CREATEROLE: .* or unset TEST_DATABASE_URL to use the embedded server\\.$`,
      ),
    );
  });
});
