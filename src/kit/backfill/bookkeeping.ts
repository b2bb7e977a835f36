/**
 * The runner's bookkeeping rows (prisma/schema.prisma, Backfill*): one checkpoint per job (its
 * current run, rows done, finished or not) and one row per key range of the run with its cursor.
 * A run's ranges are planned once, when the run starts, so every worker and every resume sees the
 * same split.
 */
import type pg from 'pg';
import { parseStoredKey, type KeyValue } from './key-tuple.ts';
import type { KeyRange } from './plan-ranges.ts';

export interface Checkpoint {
  run: number;
  rows_done: string;
  batches: number;
  started_at: Date;
  updated_at: Date;
  finished_at: Date | null;
  last_key: string;
}

export interface RangeState extends KeyRange {
  range: number;
  cursor: KeyValue | null;
}

export async function readCheckpoint(client: pg.Client, job: string): Promise<Checkpoint | undefined> {
  const result = await client.query<Checkpoint>(
    'SELECT run, rows_done, batches, started_at, updated_at, finished_at, last_key FROM backfill_checkpoints WHERE job = $1',
    [job],
  );
  return result.rows[0];
}

async function insertRanges(client: pg.Client, job: string, run: number, ranges: KeyRange[]): Promise<void> {
  await client.query(
    `INSERT INTO backfill_ranges (job, run, range, lower_key, upper_key)
     SELECT $1, $2, r.range, r.lower_key, r.upper_key
       FROM jsonb_to_recordset($3::jsonb) AS r(range int, lower_key jsonb, upper_key jsonb)
     ON CONFLICT DO NOTHING`,
    [
      job,
      run,
      JSON.stringify(ranges.map((range, i) => ({ range: i, lower_key: range.lower, upper_key: range.upper }))),
    ],
  );
}

/**
 * Where this run starts: the unfinished run (resumed), a new run with `plan()`'s ranges, or
 * undefined when nothing is left. One transaction, so concurrent starters agree on the run.
 */
export async function startOrResumeRun(
  client: pg.Client,
  job: string,
  pendingRows: number,
  plan: () => Promise<KeyRange[]>,
): Promise<{ run: number; resumed: boolean } | undefined> {
  if (pendingRows === 0) {
    await client.query(
      'UPDATE backfill_checkpoints SET finished_at = now(), updated_at = now() WHERE job = $1 AND finished_at IS NULL',
      [job],
    );
    return undefined;
  }
  await client.query('BEGIN');
  try {
    // Run 0, finished: a first run then starts the way every later one does.
    await client.query(
      'INSERT INTO backfill_checkpoints (job, run, finished_at) VALUES ($1, 0, now()) ON CONFLICT (job) DO NOTHING',
      [job],
    );
    const existing = (
      await client.query<Checkpoint & { ranges: number }>(
        `SELECT c.run, c.finished_at, c.last_key,
              (SELECT count(*)::int FROM backfill_ranges r WHERE r.job = c.job AND r.run = c.run) AS ranges
         FROM backfill_checkpoints c WHERE c.job = $1 FOR UPDATE`,
        [job],
      )
    ).rows[0]!;
    let outcome: { run: number; resumed: boolean };
    if (!existing.finished_at) {
      if (existing.ranges === 0) {
        // A run begun by a runner from before ranges: its integer cursor becomes the one range's start.
        const lower = BigInt(existing.last_key) > 0n ? [existing.last_key] : null;
        await insertRanges(client, job, existing.run, [{ lower, upper: null }]);
      }
      outcome = { run: existing.run, resumed: true };
    } else {
      // First run, or rows became pending again after a finished run (e.g. written by old code).
      const run = (
        await client.query<{ run: number }>(
          `UPDATE backfill_checkpoints SET run = run + 1, last_key = 0, rows_done = 0, batches = 0,
                started_at = now(), updated_at = now(), finished_at = NULL
          WHERE job = $1 RETURNING run`,
          [job],
        )
      ).rows[0]!.run;
      await insertRanges(client, job, run, await plan());
      outcome = { run, resumed: false };
    }
    await client.query('COMMIT');
    return outcome;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

export async function unfinishedRanges(client: pg.Client, job: string, run: number): Promise<RangeState[]> {
  const result = await client.query<{ range: number; lower_key: unknown; upper_key: unknown; cursor_key: unknown }>(
    'SELECT range, lower_key, upper_key, cursor_key FROM backfill_ranges WHERE job = $1 AND run = $2 AND finished_at IS NULL ORDER BY range',
    [job, run],
  );
  return result.rows.map((row) => ({
    range: row.range,
    lower: parseStoredKey(row.lower_key),
    upper: parseStoredKey(row.upper_key),
    cursor: parseStoredKey(row.cursor_key),
  }));
}

/**
 * Marks the run finished once its last range is; true for exactly one caller (the row lock makes
 * a second caller re-check and find it already finished), which then vacuums.
 */
export async function finishRunIfDone(client: pg.Client, job: string, run: number): Promise<boolean> {
  const result = await client.query(
    `UPDATE backfill_checkpoints SET finished_at = now(), updated_at = now()
      WHERE job = $1 AND run = $2 AND finished_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM backfill_ranges WHERE job = $1 AND run = $2 AND finished_at IS NULL)`,
    [job, run],
  );
  return (result.rowCount ?? 0) > 0;
}

/**
 * A session advisory lock per job: exclusive for a single runner, shared for queue workers, so
 * workers run side by side but never beside a single runner. PostgreSQL releases it when the
 * session ends, however the process died. False when the other kind holds it.
 */
export async function tryLockJob(client: pg.Client, job: string, mode: 'exclusive' | 'shared'): Promise<boolean> {
  const fn = mode === 'exclusive' ? 'pg_try_advisory_lock' : 'pg_try_advisory_lock_shared';
  const result = await client.query(`SELECT ${fn}(hashtext('backfill'), hashtext($1)) AS locked`, [job]);
  return result.rows[0].locked === true;
}

export async function unlockJob(client: pg.Client, job: string, mode: 'exclusive' | 'shared'): Promise<void> {
  const fn = mode === 'exclusive' ? 'pg_advisory_unlock' : 'pg_advisory_unlock_shared';
  await client.query(`SELECT ${fn}(hashtext('backfill'), hashtext($1))`, [job]);
}
