/**
 * A throwaway Prisma project (config, schema, migrations folder) for tests and benchmarks that
 * need a migration history of their own: the real Prisma CLI runs in it with the wasm stand-in as
 * its engine. It lives under .data/tmp so that `import 'prisma/config'` in its config resolves.
 * No vitest here: the test setup and the benchmarks use it too.
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPrisma, type PrismaRun } from '#kit/prisma-cli.ts';
import { dataDir } from '#kit-test/support/checkout.ts';
import { standInPath } from '#kit/schema-engine/select-engine.ts';
import { databaseName } from '#kit/db/connection-url.ts';
import { demoMigrationsDir } from './demo-project.ts';

export interface ScratchProject {
  dir: string;
  migrationsDir: string;
  /** Copies one of the demo project's migrations (by folder name) into the project. */
  copyDemoMigration(name: string): void;
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
    copyDemoMigration(migration) {
      cpSync(join(demoMigrationsDir, migration), join(migrations, migration), { recursive: true });
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
          PRISMA_SCHEMA_ENGINE_BINARY: standInPath(),
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
 * Creates the database at `url` and applies `migrations` (demo migration names) to it with the
 * real `prisma migrate deploy`, in a scratch project it returns (remove it when done).
 */
export async function deployDemoMigrations(
  url: string,
  migrations: string[],
  projectName = `deploy-${databaseName(url)}`,
): Promise<ScratchProject> {
  const project = createScratchProject(projectName);
  for (const migration of migrations) project.copyDemoMigration(migration);
  const deploy = await project.prisma(url, 'migrate', 'deploy');
  if (deploy.code !== 0) {
    project.remove();
    throw new Error(`migrate deploy into ${databaseName(url)} failed:\n${deploy.stdout}${deploy.stderr}`);
  }
  return project;
}
