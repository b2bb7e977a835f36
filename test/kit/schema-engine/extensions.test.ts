/**
 * PostgreSQL extensions through the wasm stand-in. Prisma's wasm engine takes no preview
 * features, so `extensions = [...]` (postgresqlExtensions) would drift on every `migrate dev`:
 * the stand-in refuses it in one line, and the way it names (the extension created in a
 * migration) works without drift.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, inject, it } from 'vitest';
import { withDatabase } from '#kit/db/connection-url.ts';
import { TEST_DATABASE_PREFIX } from '../setup/test-server.ts';
import { createScratchProject } from '../support/scratch-project.ts';

const project = createScratchProject('extensions');
afterAll(() => project.remove());
const url = withDatabase(inject('testServerUrl'), `${TEST_DATABASE_PREFIX}extensions_${process.pid}`);
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
