/** The kit's own migration folders, for tests and benchmarks that replay part of the history. */
import { migrationFolders } from '../../src/migrations/migration-folders.ts';

/** The kit's migration folder names, oldest first. */
export const kitMigrations = migrationFolders();

/** The kit's migration whose name ends with `suffix`. */
export function kitMigration(suffix: string): string {
  const folder = kitMigrations.find((name) => name.endsWith(suffix));
  if (!folder) throw new Error(`no kit migration ends with ${suffix}`);
  return folder;
}

/** The kit's migrations before the one whose name ends with `suffix`. */
export function kitMigrationsBefore(suffix: string): string[] {
  return kitMigrations.slice(0, kitMigrations.indexOf(kitMigration(suffix)));
}

/**
 * The backfill runner's own bookkeeping migrations. A history replayed only up to some point
 * still needs all of them to run today's runner (its tables grew after the demo migrations).
 */
export const runnerBookkeeping = kitMigrations.filter((name) => /_backfill_(bookkeeping|ranges)$/.test(name));

/** `names` plus the runner's bookkeeping, oldest first. */
export const withRunnerBookkeeping = (names: string[]) => [...new Set([...names, ...runnerBookkeeping])].sort();
