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
import { ConfigError } from './config-error.ts';
import type { ReferenceTable } from './seeding/reference-table.ts';

/** The module that lists the jobs: src/backfills/index.ts. */
export interface BackfillJobsModule {
  backfillJobs: BackfillJob[];
}

/**
 * The knobs a team (or a platform running many services from the kit) sets once per service,
 * read by the commands and the workflows alike; a command-line flag still wins for one run.
 */
export interface KitPolicy {
  /** migrate:plan and the deploy gate: a write-blocking scan, rewrite or build on a table over this many rows fails. */
  planMaxRows: number;
  /** Each data probe's statement_timeout, in seconds. */
  probeTimeoutSeconds: number;
  /** Tables estimated over this many rows are probed through a sample. */
  probeSampleAbove: number;
  /** migrate:deploy: retries of a lock timeout, the first this many seconds later (then doubling). */
  deployRetries: number;
  deployBackoffSeconds: number;
  /** migrate:deploy's preflight: a transaction this old counts as long, and is waited for this long. */
  oldTransactionSeconds: number;
  waitForOldTransactionsSeconds: number;
  /** migrate:rehearse: the rows each table it touches is filled to on a scratch database. */
  rehearseRows: number;
  /**
   * migrate:rehearse: the app's longest write, in ms, while one statement runs; over it fails.
   * 0: reported, never gated (a wall-clock gate flakes on shared CI runners; set it where the
   * rehearsal runs on a machine of its own).
   */
  rehearseWriterBudgetMs: number;
  /**
   * Lint rules this service turns off, each with the reason a reviewer reads (`-- lint-ignore` is
   * for one statement; this is for a rule that never applies here).
   */
  lintRulesOff: Record<string, string>;
}

export const DEFAULT_POLICY: KitPolicy = {
  planMaxRows: 100_000,
  probeTimeoutSeconds: 10,
  probeSampleAbove: 10_000_000,
  deployRetries: 3,
  deployBackoffSeconds: 10,
  oldTransactionSeconds: 5,
  waitForOldTransactionsSeconds: 30,
  rehearseRows: 1_000_000,
  rehearseWriterBudgetMs: 0,
  lintRulesOff: {},
};

export interface KitConfig {
  /**
   * Every job `npm run backfill` and its workers can run (by name): a loader of the module that
   * lists them. A plain array (kit 0.2.0's form) still works, but is loaded by every command.
   */
  backfillJobs: (() => Promise<BackfillJobsModule>) | BackfillJob[];
  /** The tables `npm run seed:reference` loads from prisma/reference/. */
  referenceTables: ReferenceTable[];
  /** What this service sets differently from DEFAULT_POLICY. */
  policy?: Partial<KitPolicy>;
}

export const defineKitConfig = (config: KitConfig): KitConfig => config;

/** The project's backfill jobs, loading their module if kit.config.ts names them by a loader. */
export async function loadBackfillJobs(config: KitConfig): Promise<BackfillJob[]> {
  return Array.isArray(config.backfillJobs) ? config.backfillJobs : (await config.backfillJobs()).backfillJobs;
}

/** The policy kit.config.ts sets, over the defaults; a rule turned off without a reason is refused. */
export function resolvePolicy(config: KitConfig): KitPolicy {
  const policy = { ...DEFAULT_POLICY, ...config.policy };
  for (const [rule, reason] of Object.entries(policy.lintRulesOff)) {
    if (!reason.trim() || /^TODO\b/i.test(reason.trim()))
      throw new ConfigError(
        `kit.config.ts turns the lint rule ${rule} off without a reason: give one a reviewer can check, e.g. lintRulesOff: { '${rule}': 'why it never applies here' }`,
      );
  }
  return policy;
}
