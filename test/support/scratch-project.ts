/**
 * A throwaway Prisma project (config, schema, migrations folder) for tests that need their own
 * migration history: the real Prisma CLI runs in it with the wasm stand-in as its engine.
 * It lives under .data/tmp so that `import 'prisma/config'` in its config resolves.
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, inject } from 'vitest';
import { withDatabase } from '../../src/db/connection-url.ts';
import { runPrisma, type PrismaRun } from '../../src/prisma-cli.ts';
import { TEST_DATABASE_PREFIX } from '../setup/test-server.ts';
import { dataDir, migrationsDir } from '../../src/project-paths.ts';
import { kitMigrations } from './kit-migrations.ts';
import { cloneTemplateDatabase } from '../setup/test-database.ts';
export { kitMigration, kitMigrations, kitMigrationsBefore, withRunnerBookkeeping } from './kit-migrations.ts';
import { standInPath } from '../../src/schema-engine/select-engine.ts';

export interface ScratchProject {
  dir: string;
  migrationsDir: string;
  /** Copies one of the kit's own migrations (by folder name) into the project. */
  copyKitMigration(name: string): void;
  addMigration(name: string, sql: string): void;
  prisma(url: string, ...args: string[]): Promise<PrismaRun>;
  remove(): void;
}

export function createScratchProject(
  name: string,
  options: { seedCommand?: string; env?: Record<string, string> } = {},
): ScratchProject {
  const dir = join(dataDir, 'tmp', `${name}-${process.pid}`);
  const migrations = join(dir, 'migrations');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(migrations, { recursive: true });
  writeFileSync(join(migrations, 'migration_lock.toml'), 'provider = "postgresql"\n');
  writeFileSync(
    join(dir, 'prisma.config.ts'),
    `import { defineConfig } from 'prisma/config';
export default defineConfig({
  schema: 'schema.prisma',
  migrations: { path: 'migrations'${options.seedCommand ? `, seed: ${JSON.stringify(options.seedCommand)}` : ''} },
  datasource: { url: process.env.DATABASE_URL ?? '', shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL || undefined },
});\n`,
  );
  writeFileSync(join(dir, 'schema.prisma'), 'datasource db {\n  provider = "postgresql"\n}\n');
  return {
    dir,
    migrationsDir: migrations,
    copyKitMigration(migration) {
      cpSync(join(migrationsDir, migration), join(migrations, migration), { recursive: true });
    },
    addMigration(migration, sql) {
      mkdirSync(join(migrations, migration), { recursive: true });
      writeFileSync(join(migrations, migration, 'migration.sql'), sql);
    },
    prisma(url, ...args) {
      return runPrisma(args, {
        cwd: dir,
        url,
        env: {
          PRISMA_SCHEMA_ENGINE_BINARY: standInPath,
          // `migrate reset` refuses when the CLI thinks an AI agent drives it. Scratch projects
          // only ever reset databases their test created moments earlier: that is the consent.
          PRISMA_USER_CONSENT_FOR_DANGEROUS_AI_ACTION: 'scratch database created by this test',
          ...options.env,
        },
      });
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A scratch project holding `migrations` (kit migration names) and a new database on the test
 * server migrated to them with `prisma migrate deploy`. The whole kit history is a clone of the
 * template instead, which the test run migrated with the same command (the same rows in
 * `_prisma_migrations`, in milliseconds instead of a Prisma command). The database is dropped
 * with the others at the end of the run; call `project.remove()` when done with the files.
 */
export async function migratedScratchDatabase(
  name: string,
  migrations: string[],
): Promise<{ project: ScratchProject; url: string }> {
  const project = createScratchProject(name);
  for (const migration of migrations) project.copyKitMigration(migration);
  const database = `${TEST_DATABASE_PREFIX}${name.replace(/-/g, '_')}_${process.pid}`;
  if (migrations.join() === kitMigrations.join()) return { project, url: await cloneTemplateDatabase(database) };
  const url = withDatabase(inject('testServerUrl'), database);
  const deploy = await project.prisma(url, 'migrate', 'deploy');
  if (deploy.code !== 0) throw new Error(`migrate deploy into ${name} failed:\n${deploy.stdout}${deploy.stderr}`);
  return { project, url };
}

/**
 * `migratedScratchDatabase` for one test file: call it at the top of the file; every project it
 * makes has its files removed when the file ends.
 */
export function useMigratedScratchDatabases(): typeof migratedScratchDatabase {
  const projects: ScratchProject[] = [];
  afterAll(() => {
    for (const project of projects) project.remove();
  });
  return async (name, migrations) => {
    const created = await migratedScratchDatabase(name, migrations);
    projects.push(created.project);
    return created;
  };
}
