/**
 * `extensions = [...]` (the postgresqlExtensions preview feature) through the wasm stand-in, on
 * the shapes real apps have: the real Prisma CLI, a real database, the stand-in reconciling the
 * extensions the wasm engine can't see (src/kit/schema-engine/extensions/). What the native
 * engine writes for the fixture is compared with the same committed files in ci.yml's
 * native-engine job.
 */
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { withDatabase } from '#kit/db/connection-url.ts';
import { withPgClient } from '#kit/db/pg-client.ts';
import { DRIFT_HEADER } from '#kit/schema-engine/extensions/extension-emulation.ts';
import { TEST_DATABASE_PREFIX } from '../setup/test-server.ts';
import { createScratchProject } from '../support/scratch-project.ts';

const fixture = join(import.meta.dirname, 'fixtures', 'extensions');
const project = createScratchProject('extensions');
afterAll(() => project.remove());
const server = inject('testServerUrl');
const devUrl = withDatabase(server, `${TEST_DATABASE_PREFIX}extensions_dev_${process.pid}`);
const deployUrl = withDatabase(server, `${TEST_DATABASE_PREFIX}extensions_deploy_${process.pid}`);
const fixtureSchema = readFileSync(join(fixture, 'schema.prisma'), 'utf8');

beforeAll(() => writeFileSync(join(project.dir, 'schema.prisma'), fixtureSchema));

const folders = () => readdirSync(project.migrationsDir).filter((name) => /^\d/.test(name));
const output = (run: { stdout: string; stderr: string }) => run.stdout + run.stderr;
/** `migrate diff` from the history to a schema file, with --exit-code: 0 when they agree. */
const diffFromHistory = (schemaFile: string) =>
  project.prisma(
    devUrl,
    'migrate',
    'diff',
    '--from-migrations',
    'migrations',
    '--to-schema',
    schemaFile,
    '--exit-code',
  );
const extensionsAt = (url: string) =>
  withPgClient(url, async (client) =>
    (await client.query<{ extname: string }>('SELECT extname FROM pg_extension ORDER BY 1')).rows.map(
      (row) => row.extname,
    ),
  );

it('migrate diff writes the committed fixture output: CREATE EXTENSION after CREATE SCHEMA', async () => {
  const run = await project.prisma(
    server,
    'migrate',
    'diff',
    '--from-empty',
    '--to-schema',
    'schema.prisma',
    '--script',
  );
  expect(run.code, output(run)).toBe(0);
  expect(run.stdout).toBe(readFileSync(join(fixture, 'from-empty.sql'), 'utf8'));
});

it('migrate dev writes the extensions into the first migration, then finds itself in sync', async () => {
  const first = await project.prisma(devUrl, 'migrate', 'dev', '--name', 'init');
  expect(first.code, output(first)).toBe(0);
  const [init] = folders();
  const sql = readFileSync(join(project.migrationsDir, init as string, 'migration.sql'), 'utf8');
  expect(
    sql.startsWith(
      '-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "pg_trgm";\n\n-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "citext" WITH SCHEMA "public";\n\n-- CreateTable\n',
    ),
  ).toBe(true);
  expect(await extensionsAt(devUrl)).toEqual(['citext', 'pg_trgm', 'plpgsql']);

  const second = await project.prisma(devUrl, 'migrate', 'dev', '--name', 'again');
  expect(second.code, output(second)).toBe(0);
  expect(output(second)).toContain('Already in sync');
  expect(folders()).toHaveLength(1);

  const diff = await diffFromHistory('schema.prisma');
  expect(diff.code, output(diff)).toBe(0);
});

it('db pull keeps the extensions line (with the schema it was given), and the pulled schema diffs clean', async () => {
  cpSync(join(project.dir, 'schema.prisma'), join(project.dir, 'pulled.prisma'));
  const pull = await project.prisma(devUrl, 'db', 'pull', '--schema', 'pulled.prisma');
  expect(pull.code, output(pull)).toBe(0);
  const pulled = readFileSync(join(project.dir, 'pulled.prisma'), 'utf8');
  expect(pulled).toContain('  provider   = "postgresql"\n  extensions = [citext(schema: "public"), pg_trgm]\n');
  const diff = await diffFromHistory('pulled.prisma');
  expect(diff.code, output(diff)).toBe(0);
});

it('an extension the history never created is drift, named before the engine’s own findings, as natively', async () => {
  await withPgClient(devUrl, (client) => client.query('CREATE EXTENSION pgcrypto; CREATE TABLE extra (id int)'));
  const run = await project.prisma(devUrl, 'migrate', 'dev', '--name', 'drifted');
  expect(run.code).not.toBe(0);
  // The header is the engine's own (the table is its finding): the extension section goes after it.
  expect(output(run)).toContain(`${DRIFT_HEADER}\n[+] Added extensions\n  - pgcrypto\n\n[+] Added tables\n  - extra\n`);
  await withPgClient(devUrl, (client) => client.query('DROP EXTENSION pgcrypto; DROP TABLE extra'));
});

it('a history that creates its extensions by hand, as real apps write it: deploy, status, dev in sync, reset', async () => {
  for (const name of folders()) rmSync(join(project.migrationsDir, name), { recursive: true });
  cpSync(join(fixture, 'migrations'), project.migrationsDir, { recursive: true });
  const steps = [
    ['migrate', 'deploy'],
    ['migrate', 'status'],
    ['migrate', 'dev', '--name', 'nothing'],
    ['migrate', 'reset', '--force'],
  ];
  for (const step of steps) {
    const run = await project.prisma(deployUrl, ...step);
    expect(run.code, `${step.join(' ')}\n${output(run)}`).toBe(0);
    if (step[1] === 'status') expect(output(run)).toContain('Database schema is up to date');
    if (step[1] === 'dev') expect(output(run)).toContain('Already in sync');
  }
  expect(folders()).toEqual(['20250101000000_init']);
  expect(await extensionsAt(deployUrl)).toEqual(['citext', 'pg_trgm', 'plpgsql']);
});
