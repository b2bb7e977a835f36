/**
 * PostgreSQL extensions through the wasm stand-in. Prisma's wasm engine takes no preview
 * features, so `extensions = [...]` (postgresqlExtensions) would drift on every `migrate dev`:
 * the stand-in refuses what compares the datamodel with a database in one line, and the way it
 * names (the extension created in a migration) works without drift. What only applies, records
 * or reads migration files (deploy, status, resolve, reset, db execute) runs as natively: real
 * apps' histories create their extensions in their first migration and declare them too.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, inject, it } from 'vitest';
import { withDatabase } from '#kit/db/connection-url.ts';
import { TEST_DATABASE_PREFIX } from '../setup/test-server.ts';
import { createScratchProject } from '../support/scratch-project.ts';

const project = createScratchProject('extensions');
afterAll(() => project.remove());
const url = withDatabase(inject('testServerUrl'), `${TEST_DATABASE_PREFIX}extensions_${process.pid}`);
// The deploy walk ends in a reset; the migrate dev test starts from an empty database of its own.
const deployUrl = withDatabase(inject('testServerUrl'), `${TEST_DATABASE_PREFIX}extensions_deploy_${process.pid}`);
const schema = (extensions: boolean) => `generator client {
  provider        = "prisma-client"
  output          = "./generated"
  previewFeatures = ["postgresqlExtensions"]
}
datasource db {
  provider = "postgresql"${extensions ? '\n  extensions = [pg_trgm]' : ''}
}
model Thing {
  id   Int    @id @default(autoincrement())
  name String
}
`;
const folders = () => readdirSync(project.migrationsDir).filter((name) => /^\d/.test(name));

it('extensions = [...] is refused in one line, before any migration is written', async () => {
  writeFileSync(join(project.dir, 'schema.prisma'), schema(true));
  const run = await project.prisma(url, 'migrate', 'dev', '--name', 'init');
  expect(run.code).not.toBe(0);
  const errors = (run.stdout + run.stderr).split('\n').filter((line) => line.startsWith('Error:'));
  expect(errors).toEqual([
    expect.stringContaining('create the extension in a migration (`CREATE EXTENSION IF NOT EXISTS pg_trgm;`)'),
  ]);
  expect(folders()).toEqual([]);
});

it('deploy, status, resolve, db execute and reset run with extensions = [...] declared, as natively', async () => {
  writeFileSync(join(project.dir, 'schema.prisma'), schema(true));
  project.addMigration(
    '20250101000000_extensions',
    'CREATE EXTENSION IF NOT EXISTS "pg_trgm";\nCREATE TABLE "Thing" ("id" SERIAL PRIMARY KEY, "name" TEXT NOT NULL);\n',
  );
  writeFileSync(join(project.dir, 'probe.sql'), "SELECT similarity('kit', 'kite');\n");
  const steps = [
    ['migrate', 'deploy'],
    ['migrate', 'status'],
    ['migrate', 'resolve', '--applied', '20250101000000_extensions'],
    ['db', 'execute', '--file', join(project.dir, 'probe.sql')],
    ['migrate', 'reset', '--force'],
  ];
  for (const step of steps) {
    const run = await project.prisma(deployUrl, ...step);
    const output = run.stdout + run.stderr;
    expect(output).not.toContain('wasm stand-in cannot');
    // `resolve` of an applied migration is refused by Prisma itself (P3008), as natively.
    if (step[1] === 'resolve') expect(output).toContain('P3008');
    else expect(run.code, `${step.join(' ')}\n${output}`).toBe(0);
  }
  const diff = await project.prisma(
    url,
    'migrate',
    'diff',
    '--from-migrations',
    project.migrationsDir,
    '--to-schema',
    'schema.prisma',
  );
  expect(diff.code).not.toBe(0);
  expect(diff.stdout + diff.stderr).toContain('wasm stand-in cannot compare');
  rmSync(join(project.migrationsDir, '20250101000000_extensions'), { recursive: true });
});

it('the extension created in a migration: migrate dev then finds nothing to do', async () => {
  writeFileSync(join(project.dir, 'schema.prisma'), schema(false));
  project.addMigration('20260101000000_pg_trgm', 'CREATE EXTENSION IF NOT EXISTS pg_trgm;\n');
  const first = await project.prisma(url, 'migrate', 'dev', '--name', 'init');
  expect(first.code, first.stdout + first.stderr).toBe(0);
  const second = await project.prisma(url, 'migrate', 'dev', '--name', 'again');
  expect(second.code, second.stdout + second.stderr).toBe(0);
  expect(folders()).toHaveLength(2);
  expect(second.stdout + second.stderr).toContain('Already in sync');
});
