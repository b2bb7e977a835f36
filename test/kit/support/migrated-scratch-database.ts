/**
 * Scratch projects (test/kit/support/scratch-project.ts) with a database migrated to part of the
 * demo history, for tests that replay a pattern from a known point.
 */
import { afterAll, inject } from 'vitest';
import { withDatabase } from '#kit/db/connection-url.ts';
import { TEST_DATABASE_PREFIX } from '../setup/test-server.ts';
import { cloneDemoDatabase } from '../setup/test-database.ts';
import { demoMigrations } from './demo-project.ts';
import { createScratchProject, deployDemoMigrations, type ScratchProject } from './scratch-project.ts';

/**
 * A scratch project holding `migrations` (demo migration names) and a new database on the test
 * server migrated to them with `prisma migrate deploy`. The whole demo history is a clone of the
 * demo template instead, which the test run migrated with the same command (the same rows in
 * `_prisma_migrations`, in milliseconds instead of a Prisma command). The database is dropped
 * with the others at the end of the run; call `project.remove()` when done with the files.
 */
export async function migratedScratchDatabase(
  name: string,
  migrations: string[],
): Promise<{ project: ScratchProject; url: string }> {
  const database = `${TEST_DATABASE_PREFIX}${name.replace(/-/g, '_')}_${process.pid}`;
  if (migrations.join() === demoMigrations.join()) {
    const project = createScratchProject(name);
    for (const migration of migrations) project.copyDemoMigration(migration);
    return { project, url: await cloneDemoDatabase(database) };
  }
  const url = withDatabase(inject('testServerUrl'), database);
  return { project: await deployDemoMigrations(url, migrations, name), url };
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
