/**
 * The backfill between two migrations, rehearsed the way the deploy's operator runs it. The
 * phased NOT NULL's first step refuses while NULLs remain (its guard RAISEs, SQLSTATE P0001,
 * naming `npm run backfill -- <job>`); in production someone then runs that job and deploys
 * again. A rehearsal that stopped there would never show the two steps that follow, nor what
 * the backfill itself costs the app's writes, so when the job is one of the team's it runs here
 * too, with the runner and the defaults `npm run backfill` uses, beside the same writer; then the
 * file runs again.
 *
 * A job that can't run is what the deploy would meet as well, and ends the rehearsal there. Rows
 * still pending after the pass are reported: most often the running release inserting NULLs
 * while the job fills them (the column got no default for new rows first), and then the guard
 * stops the file again, as it would in production.
 */
import { BackfillRunner, DEFAULT_BATCH_SIZE } from '../backfill/run-backfill.ts';
import type { BackfillJob } from '../backfill/job.ts';
import { KitError } from '../kit-error.ts';
import type { ObservedStatement } from './observe-statements.ts';

export interface RehearsedBackfill {
  job: string;
  /** The migration whose guard asked for it; it runs again after the job. */
  before: string;
  rows: number;
  /** Rows that still matched the job's `pending` when its pass finished. */
  stillPending: number;
  ms: number;
  /** Why the job could not run; the rehearsal ends there, as the deploy would. */
  error?: string;
  /** When it ran, ms since the rehearsal's t0, for the writes it held up. */
  window: [number, number];
}

/** The backfill job a guard's refusal names (`npm run backfill -- <job>`), when there is one. */
export function backfillTheGuardNames(observed: ObservedStatement[]): string | undefined {
  const refusal = observed.find((statement) => statement.error?.code === 'P0001')?.error?.message ?? '';
  return /npm run backfill -- ([\w-]+)/.exec(refusal)?.[1];
}

export async function rehearseBackfill(
  url: string,
  job: BackfillJob,
  before: string,
  now: () => number,
): Promise<RehearsedBackfill> {
  const from = now();
  let rows = 0;
  let stillPending = 0;
  let error: string | undefined;
  const runner = await BackfillRunner.connect(url, job);
  try {
    const outcome = await runner.run({ batchSize: DEFAULT_BATCH_SIZE, sleepMs: 0 });
    if (outcome.kind === 'finished' || outcome.kind === 'stopped') {
      rows = outcome.rowsChanged;
      stillPending = outcome.stillPending ?? 0;
    }
  } catch (failure) {
    // The runner's refusals, and PostgreSQL's (a column the job names, or the runner's own
    // bookkeeping tables, not there yet at this point of the history).
    const fromPostgres = typeof (failure as { code?: unknown }).code === 'string';
    if (!(failure instanceof KitError) && !fromPostgres) throw failure;
    error = (failure as Error).message;
  } finally {
    await runner.close();
  }
  const to = now();
  return { job: job.name, before, rows, stillPending, ms: to - from, error, window: [from, to] };
}
