/**
 * The backfill runner in one process: moves a job through its table in small keyset batches (see
 * run-range.ts), range after range, so a run is resumable, idempotent and never one long
 * transaction. To spread one job over many processes, see queue-workers.ts; both share the same
 * bookkeeping, so a run started by one can be finished by the other.
 *
 * - One runner per job: an exclusive session advisory lock (workers take it shared).
 * - Graceful stop: an aborted signal ends the run after the current batch.
 */
import type pg from 'pg';
import { connectPgClient } from '../db/pg-client.ts';
import { BackfillError } from './backfill-error.ts';
import {
  finishRunIfDone,
  readCheckpoint,
  startOrResumeRun,
  tryLockJob,
  unfinishedRanges,
  type Checkpoint,
} from './bookkeeping.ts';
import { assertJobWritten, isTransformJob, type BackfillJob } from './job.ts';
import type { KeyValue } from './key-tuple.ts';
import { planRanges } from './plan-ranges.ts';
import { DEFAULT_PRESSURE_LIMITS, type PressureLimits } from './pressure.ts';
import { countPendingRows, prepareJob, runRange } from './run-range.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';

/** Rows per batch unless `--batch-size` says otherwise: each batch holds its rows' locks until it commits. */
export const DEFAULT_BATCH_SIZE = 1000;

export interface BackfillOptions {
  batchSize: number;
  sleepMs: number;
  dryRun?: boolean;
  /** Halve the batch when one takes longer than this; grow it back (up to batchSize) when fast. */
  targetBatchMs?: number;
  pressure?: PressureLimits;
  /** Stops the run after the current batch. */
  signal?: AbortSignal;
  onBatch?: (progress: { rowsChanged: number; pendingAtStart: number }) => void;
}

export type BackfillOutcome =
  | { kind: 'nothing-to-do' }
  | { kind: 'dry-run'; pendingRows: number }
  | {
      kind: 'finished' | 'stopped';
      run: number;
      resumed: boolean;
      lastKey: KeyValue | null;
      rowsChanged: number;
      batches: number;
      elapsedMs: number;
      maxBatchMs: number;
      /**
       * Rows that still match the job's `pending` after a finished pass: a transform's skips
       * (null), rows the app wrote pending meanwhile, or a `set` that doesn't satisfy `pending`.
       */
      stillPending?: number;
    };

/** The SQL that touches every name a job uses, for EXPLAIN (planned, never run). */
function jobProbe(job: BackfillJob): string {
  const table = quoteIdentifier(job.table);
  if (!isTransformJob(job)) return `UPDATE ${table} SET ${job.set} WHERE (${job.pending})`;
  const columns = [...Object.values(job.read), ...Object.values(job.write)].map((column) =>
    quoteIdentifier(String(column)),
  );
  return `SELECT ${columns.join(', ')} FROM ${table} WHERE (${job.pending})`;
}

/**
 * A backfill's end: it leaves a dead row version for every row it changed, which wakes autovacuum
 * on the table. If that happens just as the next migration's ALTER TABLE asks for its lock, the
 * ALTER waits for autovacuum to be cancelled (deadlock_timeout, 1 s by default) and every writer
 * queues behind it: kit bench locks caught exactly 1 s stalls. Vacuuming here, under a lock that
 * blocks no writer, leaves autovacuum nothing to start on.
 */
export async function vacuumAfterBackfill(client: pg.Client, job: BackfillJob): Promise<void> {
  await client.query('RESET lock_timeout');
  await client.query(`VACUUM (ANALYZE) ${quoteIdentifier(job.table)}`);
}

export class BackfillRunner {
  private constructor(
    private readonly client: pg.Client,
    private readonly job: BackfillJob,
  ) {}

  static async connect(url: string, job: BackfillJob): Promise<BackfillRunner> {
    return new BackfillRunner(await connectPgClient(url), job);
  }

  async close(): Promise<void> {
    await this.client.end();
  }

  pendingRows(): Promise<number> {
    return countPendingRows(this.client, this.job);
  }

  /**
   * Why the job no longer fits the schema (a later migration dropped a column or table it names,
   * e.g. the rename's copy job after the contract), or undefined while it still does. Planned,
   * not run: EXPLAIN checks every name without touching a row.
   */
  async retiredBecause(): Promise<string | undefined> {
    try {
      await this.client.query(`EXPLAIN ${jobProbe(this.job)}`);
      return undefined;
    } catch (error) {
      const { code, message } = error as { code?: string; message: string };
      if (code === '42703' || code === '42P01') return message;
      throw error;
    }
  }

  checkpoint(): Promise<Checkpoint | undefined> {
    return readCheckpoint(this.client, this.job.name);
  }

  async run(options: BackfillOptions): Promise<BackfillOutcome> {
    assertJobWritten(this.job);
    if (!(await tryLockJob(this.client, this.job.name, 'exclusive'))) {
      throw new BackfillError(
        `Backfill "${this.job.name}" is already running (another runner or its queue workers hold its lock)`,
        { fix: 'Let it finish, or stop it with Ctrl-C / SIGTERM and run this again to resume.', exitCode: 3 },
      );
    }
    const pendingAtStart = await this.pendingRows();
    if (options.dryRun) return { kind: 'dry-run', pendingRows: pendingAtStart };
    const prepared = await prepareJob(this.client, this.job);
    const start = await startOrResumeRun(this.client, this.job.name, pendingAtStart, () =>
      planRanges(this.client, this.job.table, prepared.shape, 1),
    );
    if (!start) return { kind: 'nothing-to-do' };

    const started = performance.now();
    const totals = { rowsChanged: 0, batches: 0, maxBatchMs: 0, lastKey: null as KeyValue | null };
    const result = (kind: 'finished' | 'stopped') =>
      ({ kind, run: start.run, resumed: start.resumed, ...totals, elapsedMs: performance.now() - started }) as const;
    // A run that queue workers started may have many ranges; one process takes them in turn.
    for (const range of await unfinishedRanges(this.client, this.job.name, start.run)) {
      const outcome = await runRange(this.client, prepared, start.run, range, {
        ...options,
        pressure: options.pressure ?? DEFAULT_PRESSURE_LIMITS,
        onBatch: (rows) => {
          totals.rowsChanged += rows;
          options.onBatch?.({ rowsChanged: totals.rowsChanged, pendingAtStart });
        },
      });
      totals.batches += outcome.batches;
      totals.maxBatchMs = Math.max(totals.maxBatchMs, outcome.maxBatchMs);
      totals.lastKey = outcome.cursor ?? totals.lastKey;
      if (outcome.kind === 'stopped') return result('stopped');
    }
    if (await finishRunIfDone(this.client, this.job.name, start.run)) await vacuumAfterBackfill(this.client, this.job);
    return { ...result('finished'), stillPending: await this.pendingRows() };
  }
}
