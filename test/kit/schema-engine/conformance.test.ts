/**
 * Engine conformance: every Prisma command the README documents, run through the real Prisma CLI
 * with the wasm stand-in as its schema engine, against a real PostgreSQL, checking the outcome
 * Prisma documents. The steps build on each other, so they run in order in one scratch project.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { withPgClient } from '#kit/db/pg-client.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withDatabase } from '#kit/db/connection-url.ts';
import type { PrismaRun } from '#kit/prisma-cli.ts';
import { createScratchProject } from '../support/scratch-project.ts';

const project = createScratchProject('conformance', { seedCommand: 'node seed.mjs' });
let url: string;

const baseSchema = `
generator client {
  provider = "prisma-client"
  output   = "./generated"
}
datasource db {
  provider = "postgresql"
}
model Account {
  id    Int    @id @default(autoincrement())
  email String @unique
`;

function writeSchema(extraFields: string[] = [], blockAttributes: string[] = []) {
  writeFileSync(
    join(project.dir, 'schema.prisma'),
    `${baseSchema}${[...extraFields, ...blockAttributes].map((l) => `  ${l}\n`).join('')}}\n`,
  );
}

const migrations = project.migrationsDir;
const addMigration = project.addMigration;
const prisma = (...args: string[]) => project.prisma(url, ...args);

const output = (run: PrismaRun) => run.stdout + run.stderr;

const query = <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> =>
  withPgClient(url, async (client) => (await client.query<T>(sql, params)).rows);

const columnExists = async (column: string) =>
  (await query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'Account' AND column_name = $1`, [column]))
    .length === 1;

describe('the wasm stand-in runs the documented prisma commands', () => {
  beforeAll(() => {
    writeFileSync(
      join(project.dir, 'seed.mjs'),
      `import pg from 'pg';
const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
await client.connect();
await client.query(\`INSERT INTO "Account" (email) VALUES ('seeded@example.test') ON CONFLICT DO NOTHING\`);
await client.end();\n`,
    );
    writeSchema();
    // A database that does not exist yet: migrate dev must create it.
    url = withDatabase(inject('testServerUrl'), `kit_test_conformance_${process.pid}`);
  });
  afterAll(() => project.remove());

  it('generate writes the client', async () => {
    const run = await prisma('generate');
    expect(run.code, output(run)).toBe(0);
    expect(existsSync(join(project.dir, 'generated', 'client.ts'))).toBe(true);
  });

  it('migrate dev --name creates the database, writes the migration and applies it', async () => {
    const run = await prisma('migrate', 'dev', '--name', 'init');
    expect(run.code, output(run)).toBe(0);
    const created = readdirSync(migrations).filter((name) => name.endsWith('_init'));
    expect(created).toHaveLength(1);
    expect(readFileSync(join(migrations, created[0] as string, 'migration.sql'), 'utf8')).toContain(
      'CREATE TABLE "Account"',
    );
    expect(await query(`SELECT to_regclass('"Account"') IS NOT NULL AS present`)).toEqual([{ present: true }]);
  });

  it('migrate status says up to date and exits 0', async () => {
    const run = await prisma('migrate', 'status');
    expect(run.code, output(run)).toBe(0);
    expect(output(run)).toContain('Database schema is up to date');
  });

  it('migrate dev --create-only writes a migration without applying it; status then exits 1', async () => {
    writeSchema(['name String?']);
    const run = await prisma('migrate', 'dev', '--create-only', '--name', 'add_name');
    expect(run.code, output(run)).toBe(0);
    expect(readdirSync(migrations).some((name) => name.endsWith('_add_name'))).toBe(true);
    expect(await columnExists('name')).toBe(false);

    const status = await prisma('migrate', 'status');
    expect(status.code).toBe(1);
    expect(output(status)).toMatch(/have not yet been applied[\s\S]*_add_name/);
  });

  it('migrate dev applies a pending migration (an edited --create-only one) and then reports in sync', async () => {
    // The kit's everyday loop: --create-only, edit the SQL, then `migrate dev` to apply it.
    const run = await prisma('migrate', 'dev');
    expect(run.code, output(run)).toBe(0);
    expect(output(run)).toMatch(/_add_name[\s\S]*in sync/);
    expect(await columnExists('name')).toBe(true);
  });

  it('migrate deploy applies pending migrations, including a CREATE INDEX CONCURRENTLY one', async () => {
    writeSchema(['name String?'], ['@@index([name])']);
    addMigration(
      '29990101000000_index_account_name',
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS "Account_name_idx" ON "Account"("name");\n',
    );
    const run = await prisma('migrate', 'deploy');
    expect(run.code, output(run)).toBe(0);
    expect(await columnExists('name')).toBe(true);
    const index = await query(
      `SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'Account_name_idx'`,
    );
    expect(index).toEqual([{ indisvalid: true }]);
  });

  it('migrate deploy runs a migration whose trigger function has `;` inside $$', async () => {
    addMigration(
      '29990101000001_lowercase_emails',
      `CREATE FUNCTION account_email_lower() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.email := lower(NEW.email); RETURN NEW; END $$;
CREATE TRIGGER account_email_lower BEFORE INSERT ON "Account" FOR EACH ROW EXECUTE FUNCTION account_email_lower();
`,
    );
    const run = await prisma('migrate', 'deploy');
    expect(run.code, output(run)).toBe(0);
    await query(`INSERT INTO "Account" (email) VALUES ('MiXed@Example.TEST')`);
    expect(await query(`SELECT email FROM "Account"`)).toEqual([{ email: 'mixed@example.test' }]);
    await query(`DELETE FROM "Account"`);
  });

  it('migrate diff --from-migrations --to-schema --exit-code gives 0 in sync and 2 on drift', async () => {
    const args = ['migrate', 'diff', '--from-migrations', 'migrations', '--to-schema', 'schema.prisma', '--exit-code'];
    const inSync = await prisma(...args);
    expect(inSync.code, output(inSync)).toBe(0);

    writeSchema(['name String?', 'nickname String?'], ['@@index([name])']);
    const drift = await prisma(...args);
    expect(drift.code, output(drift)).toBe(2);
    expect(output(drift)).toContain('nickname');
    writeSchema(['name String?'], ['@@index([name])']);
  });

  it('migrate resolve --applied records a migration that was applied by hand', async () => {
    addMigration('29990103000000_manual', 'CREATE TABLE manual_step (id int);\n');
    await query('CREATE TABLE manual_step (id int)');
    const resolve = await prisma('migrate', 'resolve', '--applied', '29990103000000_manual');
    expect(resolve.code, output(resolve)).toBe(0);
    const status = await prisma('migrate', 'status');
    expect(status.code, output(status)).toBe(0);
  });

  it('db execute runs a script, $$ bodies included', async () => {
    const file = join(project.dir, 'script.sql');
    writeFileSync(
      file,
      `CREATE TABLE executed (note text);
CREATE FUNCTION executed_note() RETURNS text LANGUAGE plpgsql AS $$ BEGIN RETURN 'a;b'; END $$;
INSERT INTO executed SELECT executed_note();\n`,
    );
    const run = await prisma('db', 'execute', '--file', file);
    expect(run.code, output(run)).toBe(0);
    expect(await query('SELECT note FROM executed')).toEqual([{ note: 'a;b' }]);
  });

  it('db seed runs the configured seed command', async () => {
    const run = await prisma('db', 'seed');
    expect(run.code, output(run)).toBe(0);
    expect(await query(`SELECT email FROM "Account"`)).toEqual([{ email: 'seeded@example.test' }]);
  });

  it('migrate reset --force drops everything and re-applies the migrations', async () => {
    const run = await prisma('migrate', 'reset', '--force');
    expect(run.code, output(run)).toBe(0);
    expect(await query(`SELECT count(*)::int AS n FROM "Account"`)).toEqual([{ n: 0 }]);
    expect(await query(`SELECT to_regclass('executed') IS NULL AS gone`)).toEqual([{ gone: true }]);
    expect(await columnExists('name')).toBe(true);
  });

  it('migrate dev that needs to ask (here: data loss) fails at once without a terminal instead of waiting', async () => {
    // Dropping a column that holds data makes migrate dev ask for confirmation.
    await query(`INSERT INTO "Account" (email, name) VALUES ('loss@example.test', 'kept')`);
    writeSchema([]);
    const before = readdirSync(migrations);
    const run = await prisma('migrate', 'dev');
    // The kit's runs set CI (src/kit/prisma-cli.ts), so Prisma refuses to prompt rather than wait.
    expect(run.code).toBe(1);
    expect(output(run)).toContain('Prisma Migrate has detected that the environment is non-interactive');
    expect(readdirSync(migrations)).toEqual(before);
    expect(await columnExists('name')).toBe(true);
    writeSchema(['name String?'], ['@@index([name])']);
  });

  it('an unreachable server gives P1001 and a non-zero exit, not a hang or a stack trace', async () => {
    const unreachable = 'postgresql://postgres:secret-pw@127.0.0.1:1/nowhere';
    const run = await project.prisma(unreachable, 'migrate', 'status');
    expect(run.code).not.toBe(0);
    expect(output(run)).toContain('P1001');
    expect(output(run)).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    expect(output(run)).not.toContain('secret-pw');
  });
});
