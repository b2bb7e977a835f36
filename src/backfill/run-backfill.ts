/**
 * The backfill runner: moves a job through its table in small keyset batches, each in its own
 * short transaction, so row locks are held for one batch (milliseconds), never for the whole run.
 *
 * - Resumable: each batch commits together with its checkpoint row, so a run killed at any point
 *   (SIGKILL included) resumes after the last committed batch and never applies a batch twice.
 * - Idempotent: a batch updates only rows matching the job's `pending` condition.
 * - One runner per job: a session advisory lock, released by PostgreSQL when the process dies.
 * - Graceful stop: an aborted signal ends the run after the current batch.
 */
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from '../cli-error.ts';
import type { BackfillJob } from './job.ts';

export interface BackfillOptions {
  batchSize: number;
  sleepMs: number;
  dryRun?: boolean;
  /** Halve the batch when one takes longer than this; grow it back (up to batchSize) when fast. */
  targetBatchMs?: number;
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
      resumedFrom: bigint;
      lastKey: bigint;
      rowsChanged: number;
      batches: number;
      elapsedMs: number;
      maxBatchMs: number;
    };

const LOCK_NAMESPACE = 'backfill';
const LOCK_TIMEOUT_RETRIES = 3;

interface Checkpoint {
  run: number;
  last_key: string;
  batches: number;
  finished_at: Date | null;
}

export class BackfillRunner {
  private constructor(
    private readonly client: pg.Client,
    private readonly job: BackfillJob,
  ) {}

  static async connect(url: string, job: BackfillJob): Promise<BackfillRunner> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return new BackfillRunner(client, job);
  }

  async close(): Promise<void> {
    await this.client.end();
  }

  private get table() {
    return this.client.escapeIdentifier(this.job.table);
  }

  private get key() {
    return this.client.escapeIdentifier(this.job.key);
  }

  async pendingRows(): Promise<number> {
    const result = await this.client.query(`SELECT count(*)::bigint AS n FROM ${this.table} WHERE (${this.job.pending})`);
    return Number(result.rows[0].n);
  }

  /**
   * Why the job no longer fits the schema (a later migration dropped a column or table it names,
   * e.g. the rename's copy job after the contract), or undefined while it still does. Planned,
   * not run: EXPLAIN checks every name in its condition and its SET without touching a row.
   */
  async retiredBecause(): Promise<string | undefined> {
    try {
      await this.client.query(`EXPLAIN UPDATE ${this.table} SET ${this.job.set} WHERE (${this.job.pending})`);
      return undefined;
    } catch (error) {
      const { code, message } = error as { code?: string; message: string };
      if (code === '42703' || code === '42P01') return message;
      throw error;
    }
  }

  async checkpoint(): Promise<Checkpoint | undefined> {
    const result = await this.client.query<Checkpoint>(
      'SELECT run, last_key, batches, finished_at FROM backfill_checkpoints WHERE job = $1',
      [this.job.name],
    );
    return result.rows[0];
  }

  private async lock(): Promise<void> {
    const result = await this.client.query('SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS locked', [
      LOCK_NAMESPACE,
      this.job.name,
    ]);
    if (!result.rows[0].locked) {
      throw new CliError(
        `Backfill "${this.job.name}" is already running (another runner holds its lock). Let it finish, or stop it with Ctrl-C / SIGTERM and run this again to resume.`,
        3,
      );
    }
  }

  /** Where this run starts: a fresh run, a resumed one, or undefined when nothing is left. */
  private async beginRun(pending: number): Promise<{ run: number; from: bigint } | undefined> {
    const existing = await this.checkpoint();
    if (existing && !existing.finished_at) {
      if (pending === 0) {
        await this.client.query('UPDATE backfill_checkpoints SET finished_at = now() WHERE job = $1', [this.job.name]);
        return undefined;
      }
      return { run: existing.run, from: BigInt(existing.last_key) };
    }
    if (pending === 0) return undefined;
    // First run, or rows became pending again after a finished run (e.g. written by old code).
    const result = await this.client.query<{ run: number }>(
      `INSERT INTO backfill_checkpoints (job) VALUES ($1)
       ON CONFLICT (job) DO UPDATE SET run = backfill_checkpoints.run + 1, last_key = 0, rows_done = 0, batches = 0,
         started_at = now(), updated_at = now(), finished_at = NULL
       RETURNING run`,
      [this.job.name],
    );
    return { run: result.rows[0]!.run, from: 0n };
  }

  async run(options: BackfillOptions): Promise<BackfillOutcome> {
    await this.lock();
    const pendingAtStart = await this.pendingRows();
    if (options.dryRun) return { kind: 'dry-run', pendingRows: pendingAtStart };
    const start = await this.beginRun(pendingAtStart);
    if (!start) return { kind: 'nothing-to-do' };

    // A batch that can't get its row locks quickly gives way instead of queueing app writes behind it.
    await this.client.query(`SET lock_timeout = '2s'`);
    const started = performance.now();
    let lastKey = start.from;
    let batchSize = options.batchSize;
    let rowsChanged = 0;
    let batches = 0;
    let maxBatchMs = 0;
    let batchNumber = ((await this.checkpoint())?.batches ?? 0) + 1;

    for (;;) {
      if (options.signal?.aborted) {
        return { kind: 'stopped', run: start.run, resumedFrom: start.from, lastKey, rowsChanged, batches, elapsedMs: performance.now() - started, maxBatchMs };
      }
      const batch = await this.applyBatchWithRetry(start.run, batchNumber, lastKey, batchSize);
      if (!batch) break;
      lastKey = batch.upper;
      rowsChanged += batch.rows;
      batches += 1;
      batchNumber += 1;
      maxBatchMs = Math.max(maxBatchMs, batch.ms);
      options.onBatch?.({ rowsChanged, pendingAtStart });
      if (options.targetBatchMs) {
        if (batch.ms > options.targetBatchMs) batchSize = Math.max(1, Math.floor(batchSize / 2));
        else if (batch.ms < options.targetBatchMs / 2) batchSize = Math.min(options.batchSize, Math.ceil(batchSize * 1.5));
      }
      if (options.sleepMs > 0) await sleep(options.sleepMs, undefined, { signal: options.signal }).catch(() => undefined);
    }

    await this.client.query('UPDATE backfill_checkpoints SET finished_at = now(), updated_at = now() WHERE job = $1', [this.job.name]);
    // A backfill leaves a dead row version for every row it changed, which wakes autovacuum on
    // the table. If that happens just as the next migration's ALTER TABLE asks for its lock, the
    // ALTER waits for autovacuum to be cancelled (deadlock_timeout, 1 s by default) and every
    // writer queues behind it: bench:locks caught exactly 1 s stalls. Vacuuming here, under a
    // lock that blocks no writer, leaves autovacuum nothing to start on.
    await this.client.query('RESET lock_timeout');
    await this.client.query(`VACUUM (ANALYZE) ${this.client.escapeIdentifier(this.job.table)}`);
    return { kind: 'finished', run: start.run, resumedFrom: start.from, lastKey, rowsChanged, batches, elapsedMs: performance.now() - started, maxBatchMs };
  }

  private async applyBatchWithRetry(run: number, batch: number, after: bigint, size: number) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.applyBatch(run, batch, after, size);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === '55P03' && attempt < LOCK_TIMEOUT_RETRIES) {
          await sleep(250 * attempt); // lock_timeout: the app holds these rows; try again shortly
          continue;
        }
        throw new CliError(
          `Batch ${batch} (${this.job.key} > ${after}) of "${this.job.name}" failed and was rolled back: ${(error as Error).message}. ` +
            `Earlier batches are kept; fix the cause and run the job again to resume.`,
        );
      }
    }
  }

  /** One batch and its checkpoint, in one transaction. Undefined when no pending row is left. */
  private async applyBatch(run: number, batch: number, after: bigint, size: number) {
    const started = performance.now();
    await this.client.query('BEGIN');
    try {
      const range = await this.client.query<{ upper: string | null }>(
        `SELECT max(k)::bigint AS upper FROM (
           SELECT ${this.key} AS k FROM ${this.table} WHERE ${this.key} > $1 AND (${this.job.pending}) ORDER BY ${this.key} LIMIT $2
         ) batch`,
        [after.toString(), size],
      );
      const upper = range.rows[0]?.upper;
      if (upper === null || upper === undefined) {
        await this.client.query('COMMIT');
        return undefined;
      }
      const updated = await this.client.query(
        `UPDATE ${this.table} SET ${this.job.set} WHERE ${this.key} > $1 AND ${this.key} <= $2 AND (${this.job.pending})`,
        [after.toString(), upper],
      );
      const rows = updated.rowCount ?? 0;
      const ms = Math.round(performance.now() - started);
      await this.client.query(
        'INSERT INTO backfill_batches (job, run, batch, from_key, to_key, rows, ms) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [this.job.name, run, batch, after.toString(), upper, rows, ms],
      );
      await this.client.query(
        `UPDATE backfill_checkpoints SET last_key = $2, rows_done = rows_done + $3, batches = batches + 1, updated_at = now() WHERE job = $1`,
        [this.job.name, upper, rows],
      );
      await this.client.query('COMMIT');
      return { upper: BigInt(upper), rows, ms: performance.now() - started };
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}
