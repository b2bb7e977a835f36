/**
 * The shape of kit.config.ts: what the kit's machinery needs from the project. The kit's scripts
 * read the project's code only through that file, so the team's code can change shape, move or
 * be replaced without an edit under src/kit/ (docs/managing-updates.md).
 *
 * The backfill jobs are named by a loader, `() => import('./src/backfills/index.ts')`, so that
 * only `backfill` and `backfill:worker` load them: a job file that doesn't compile yet (a job
 * being written) stops those two commands with one line, not `setup` or the deploy's reference
 * seed (src/kit/build/bundle-if-stale.mjs bundles a module loaded by `import()` apart).
 */
import type { BackfillJob } from './backfill/job.ts';
import type { ReferenceTable } from './seeding/reference-table.ts';

/** The module that lists the jobs: src/backfills/index.ts. */
export interface BackfillJobsModule {
  backfillJobs: BackfillJob[];
}

export interface KitConfig {
  /**
   * Every job `npm run backfill` and its workers can run (by name): a loader of the module that
   * lists them. A plain array (kit 0.2.0's form) still works, but is loaded by every command.
   */
  backfillJobs: (() => Promise<BackfillJobsModule>) | BackfillJob[];
  /** The tables `npm run seed:reference` loads from prisma/reference/. */
  referenceTables: ReferenceTable[];
}

export const defineKitConfig = (config: KitConfig): KitConfig => config;

/** The project's backfill jobs, loading their module if kit.config.ts names them by a loader. */
export async function loadBackfillJobs(config: KitConfig): Promise<BackfillJob[]> {
  return Array.isArray(config.backfillJobs) ? config.backfillJobs : (await config.backfillJobs()).backfillJobs;
}
