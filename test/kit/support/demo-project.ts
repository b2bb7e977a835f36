/**
 * The demo project: every file of a project that is the team's (schema, migrations, reference
 * data, kit.config.ts, backfill jobs, app code, dev seed, factories) as the kit shipped them, frozen
 * in test/kit/fixtures/demo-project/. The kit's machinery is tested on it, so that a team can
 * rewrite its own (`npm run kit -- init` does) without breaking a test of the engine, linter,
 * load patterns, rollback, recovery, init or benchmarks.
 */
import { join } from 'node:path';
import { projectRoot } from '#kit-test/support/checkout.ts';
import { migrationFolders } from '#kit/migrations/migration-folders.ts';

export const demoProjectDir = join(projectRoot, 'test', 'kit', 'fixtures', 'demo-project');
export const demoMigrationsDir = join(demoProjectDir, 'prisma', 'migrations');
/** The demo's migration folder names, oldest first. */
export const demoMigrations = migrationFolders(demoMigrationsDir);

/** The demo migration whose name ends with `suffix`. */
export function demoMigration(suffix: string): string {
  const folder = demoMigrations.find((name) => name.endsWith(suffix));
  if (!folder) throw new Error(`no demo migration ends with ${suffix}`);
  return folder;
}

/** The demo migrations before the one whose name ends with `suffix`. */
export function demoMigrationsBefore(suffix: string): string[] {
  return demoMigrations.slice(0, demoMigrations.indexOf(demoMigration(suffix)));
}

/**
 * The backfill runner's own bookkeeping migrations. A history replayed only up to some point
 * still needs all of them to run today's runner (its tables grew after the demo migrations).
 */
export const runnerBookkeeping = demoMigrations.filter((name) => /_backfill_(bookkeeping|ranges)$/.test(name));

/** `names` plus the runner's bookkeeping, oldest first. */
export const withRunnerBookkeeping = (names: string[]) => [...new Set([...names, ...runnerBookkeeping])].sort();
