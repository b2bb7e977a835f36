/**
 * The shape of kit.config.ts: what the kit's machinery needs from the project. The kit's scripts
 * read the project's code only through that file, so the team's code can change shape, move or
 * be replaced without an edit under src/kit/ (docs/managing-updates.md).
 */
import type { BackfillJob } from './backfill/job.ts';
import type { ReferenceTable } from './seeding/reference-table.ts';

export interface KitConfig {
  /** Every job `npm run backfill` and its workers can run (by name). */
  backfillJobs: BackfillJob[];
  /** The tables `npm run seed:reference` loads from prisma/reference/. */
  referenceTables: ReferenceTable[];
}

export const defineKitConfig = (config: KitConfig): KitConfig => config;
