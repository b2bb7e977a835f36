/**
 * Moves one key range of a job forward in small batches, each in its own short transaction with
 * its checkpoint, so row locks last one batch (milliseconds) and a process killed at any point
 * (SIGKILL included) resumes after the last committed batch and never applies a batch twice.
 *
 * Every batch claims the range at the cursor it started from: if another process moved the range
 * on (a duplicate queue delivery, a worker presumed dead that was not), the claim matches nothing,
 * the batch is rolled back and this process leaves the range to it. That check, in the same
 * transaction as the batch, is what makes "exactly once" hold with any number of workers.
 */
import os from 'node:os';
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { BackfillError } from './backfill-error.ts';
import type { RangeState } from './bookkeeping.ts';
import { isTransformJob, keyColumns, type BackfillJob, type SqlBackfillJob, type TransformBackfillJob } from './job.ts';
import {
  columnTypes,
  keyAsText,
  keyBounds,
  keyFromRow,
  keyOrder,
  readKeyShape,
  SqlParams,
  type KeyShape,
  type KeyValue,
} from './key-tuple.ts';
import { waitForHeadroom, type PressureLimits } from './pressure.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';

export interface BatchSettings {
  batchSize: number;
  sleepMs: number;
  /** Halve the batch when one takes longer than this; grow it back (up to batchSize) when fast. */
  targetBatchMs?: number;
  pressure: PressureLimits;
  /** Stops after the current batch. */
  signal?: AbortSignal;
  onBatch?: (rowsChanged: number) => void;
}

/** A job checked against the live schema: its key's and written columns' types. */
export interface PreparedJob {
  job: BackfillJob;
  shape: KeyShape;
  writeTypes: string[];
}

export interface RangeOutcome {
  /** taken: another process moved the range on; failed: a batch failed for good (queue workers only). */
  kind: 'finished' | 'stopped' | 'taken' | 'failed';
  error?: string;
  rowsChanged: number;
  batches: number;
  maxBatchMs: number;
  cursor: KeyValue | null;
}

/** Identifies the process that committed a batch, in backfill_batches.worker. */
export const WORKER_ID = `${os.hostname()}:${process.pid}`;

const LOCK_RETRIES = 3;
/** A batch that can't get its row locks quickly gives way instead of queueing app writes behind it. */
const BATCH_LOCK_TIMEOUT = '2s';
/** Pressure moves in seconds; reading it before every millisecond-long batch would only add load. */
const PRESSURE_CHECK_EVERY_MS = 250;
const RETRYABLE = new Set(['55P03', '40P01']); // lock_timeout, deadlock: the app holds these rows

/** Rows of the job's table that still match its `pending` condition. */
export async function countPendingRows(client: pg.Client, job: BackfillJob): Promise<number> {
  const result = await client.query(`SELECT count(*) AS n FROM ${quoteIdentifier(job.table)} WHERE (${job.pending})`);
  return Number(result.rows[0].n);
}

export async function prepareJob(client: pg.Client, job: BackfillJob): Promise<PreparedJob> {
  const shape = await readKeyShape(client, job.table, keyColumns(job));
  if (!isTransformJob(job)) return { job, shape, writeTypes: [] };
  const written = Object.values(job.write) as string[];
  const types = await columnTypes(client, job.table, [...(Object.values(job.read) as string[]), ...written]);
  return { job, shape, writeTypes: written.map((column) => types.get(column)!) };
}

/** A value as text for a `::type` cast: how node-postgres would send it, JSON for objects. */
function asSqlText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

// Rows a transform reads come typed as Prisma types them: int8 as bigint, not node-postgres' string.
const prismaLikeTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8
      ? (text: string) => BigInt(text)
      : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * A SET job's batch, claim and bookkeeping in one statement, committed on its own: no row lock
 * outlives the statement. As a transaction of several round trips, a batch held its rows while the
 * worker's process sent the next statement, and an app write to one of them waited that long: 2.8 s
 * with two queue workers on 2 busy cores (docs/benchmarks/bench-backfill.md).
 *
 * `claimed` locks the range's bookkeeping row only while its cursor is still where this batch
 * started; every write of the statement depends on it, so when another process moved the range on
 * nothing is written. With no pending row left after the cursor, the range is marked finished.
 */
async function applySqlBatchAtOnce(
  client: pg.Client,
  prepared: PreparedJob,
  run: number,
  range: RangeState,
  cursor: KeyValue | null,
  size: number,
) {
  const { job, shape } = prepared;
  const table = quoteIdentifier(job.table);
  const params = new SqlParams();
  const [name, runNo, rangeNo, from] = [
    params.add(job.name),
    params.add(run),
    params.add(range.range),
    params.add(cursor && JSON.stringify(cursor), 'jsonb'),
  ];
  const after = cursor ?? range.lower;
  const columns = shape.columns.join(', ');
  const where = [...keyBounds(shape, after, range.upper, params), `(${job.pending})`].join(' AND ');
  const fromAfter = [
    ...keyBounds(shape, after, null, params),
    `(${columns}) <= (SELECT ${columns} FROM last)`,
    `(${job.pending})`,
    'EXISTS (SELECT FROM claimed)',
  ].join(' AND ');
  const lastAsJson = `(SELECT jsonb_build_array(${shape.columns.map((column) => `${column}::text`).join(', ')}) FROM last)`;
  const thisRange = `job = ${name} AND run = ${runNo} AND range = ${rangeNo}`;
  const result = await client.query(
    `WITH claimed AS (
       SELECT FROM backfill_ranges
        WHERE ${thisRange} AND finished_at IS NULL AND cursor_key IS NOT DISTINCT FROM ${from}
          FOR UPDATE
     ), last AS (
       SELECT ${columns} FROM (SELECT ${columns} FROM ${table} WHERE ${where} ORDER BY ${keyOrder(shape)} LIMIT ${params.add(size)}) batch
        ORDER BY ${keyOrder(shape, 'DESC')} LIMIT 1
     ), changed AS (
       UPDATE ${table} SET ${(job as SqlBackfillJob).set} WHERE ${fromAfter} RETURNING 1
     ), range_row AS (
       UPDATE backfill_ranges
          SET cursor_key = COALESCE(${lastAsJson}, cursor_key),
              finished_at = CASE WHEN EXISTS (SELECT FROM last) THEN NULL ELSE now() END,
              rows_done = rows_done + (SELECT count(*) FROM changed),
              batches = batches + (SELECT count(*) FROM last), updated_at = now(), last_error = NULL
        WHERE ${thisRange} AND EXISTS (SELECT FROM claimed)
       RETURNING 1
     ), job_row AS (
       UPDATE backfill_checkpoints SET rows_done = rows_done + (SELECT count(*) FROM changed), batches = batches + 1, updated_at = now()
        WHERE job = ${name} AND EXISTS (SELECT FROM range_row) AND EXISTS (SELECT FROM last) RETURNING batches
     ), logged AS (
       INSERT INTO backfill_batches (job, run, batch, range, from_tuple, to_tuple, worker, rows, ms)
       SELECT ${name}, ${runNo}, batches, ${rangeNo}, ${from}, ${lastAsJson}, ${params.add(WORKER_ID)},
              (SELECT count(*) FROM changed), round(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)
         FROM job_row
     )
     SELECT EXISTS (SELECT FROM claimed) AS claimed, (SELECT count(*) FROM changed)::int AS rows, last_key.*
       FROM (SELECT 1) one LEFT JOIN (SELECT ${keyAsText(shape)} FROM last) last_key ON true`,
    params.values,
  );
  const row = result.rows[0];
  if (!row.claimed) return { kind: 'taken' as const };
  if (row.__k0 === null) return { kind: 'finished' as const };
  return { kind: 'applied' as const, lastKey: keyFromRow(shape, row), rows: row.rows as number };
}

/** Transform job: read and lock the batch, call the job's code, write every change in one UPDATE … FROM unnest. */
async function applyTransformBatch(
  client: pg.Client,
  prepared: PreparedJob,
  after: KeyValue | null,
  upTo: KeyValue | null,
  size: number,
) {
  const job = prepared.job as TransformBackfillJob;
  const { shape } = prepared;
  const table = quoteIdentifier(job.table);
  const find = new SqlParams();
  const where = [...keyBounds(shape, after, upTo, find), `(${job.pending})`].join(' AND ');
  const reads = Object.entries(job.read).map(
    ([field, column]) => `${quoteIdentifier(column)} AS ${quoteIdentifier(field)}`,
  );
  const selected = await client.query({
    text: `SELECT ${[keyAsText(shape), ...reads].join(', ')} FROM ${table} WHERE ${where} ORDER BY ${keyOrder(shape)} LIMIT ${find.add(size)} FOR UPDATE`,
    values: find.values,
    types: prismaLikeTypes,
  });
  if (selected.rows.length === 0) return undefined;
  const keys = selected.rows.map((row) => keyFromRow(shape, row));
  const rows = selected.rows.map((row) =>
    Object.fromEntries(Object.keys(job.read).map((field) => [field, row[field]])),
  );
  const changes = await job.transform(rows);
  if (!Array.isArray(changes) || changes.length !== rows.length) {
    throw new Error(
      `transform returned ${Array.isArray(changes) ? changes.length : typeof changes} values for ${rows.length} rows; return one per row, null to skip a row`,
    );
  }
  const fields = Object.keys(job.write);
  const keyArrays: Array<Array<string>> = shape.columns.map(() => []);
  const valueArrays: Array<Array<string | null>> = fields.map(() => []);
  changes.forEach((change, i) => {
    if (change === null) return;
    for (const [k, part] of keys[i]!.entries()) keyArrays[k]!.push(part);
    fields.forEach((field, f) => {
      if (!(field in change)) throw new Error(`transform's change for key (${keys[i]!.join(', ')}) has no "${field}"`);
      valueArrays[f]!.push(asSqlText((change as Record<string, unknown>)[field]));
    });
  });
  const lastKey = keys.at(-1)!;
  if (keyArrays[0]!.length === 0) return { lastKey, rows: 0 };
  const write = new SqlParams();
  const keyCols = shape.columns.map((_, k) => `__k${k}`);
  const valueCols = fields.map((_, f) => `__v${f}`);
  const unnest = [...keyArrays, ...valueArrays].map((array) => write.add(array, 'text[]')).join(', ');
  const sets = fields.map(
    (field, f) => `${quoteIdentifier(String(job.write[field]))} = u.__v${f}::${prepared.writeTypes[f]}`,
  );
  const match = `(${shape.columns.map((column) => `t.${column}`).join(', ')}) = (${keyCols.map((col, k) => `u.${col}::${shape.types[k]}`).join(', ')})`;
  const updated = await client.query(
    `UPDATE ${table} AS t SET ${sets.join(', ')} FROM unnest(${unnest}) AS u(${[...keyCols, ...valueCols].join(', ')}) WHERE ${match}`,
    write.values,
  );
  return { lastKey, rows: updated.rowCount ?? 0 };
}

/**
 * A transform job's batch and its bookkeeping, in one transaction: the rows stay locked from the
 * read to the write while the job's code runs, so a slow transform is bounded by a smaller batch
 * (`targetBatchMs`). The bookkeeping statement is also the claim: it moves the range's cursor only
 * if it is still where this batch started, so when another process got there first this batch
 * matches nothing and is rolled back.
 */
async function applyTransformBatchInTransaction(
  client: pg.Client,
  prepared: PreparedJob,
  run: number,
  range: RangeState,
  cursor: KeyValue | null,
  size: number,
) {
  const { job } = prepared;
  const started = performance.now();
  await client.query('BEGIN');
  try {
    const batch = await applyTransformBatch(client, prepared, cursor ?? range.lower, range.upper, size);
    const ms = Math.round(performance.now() - started);
    const recorded = await client.query(
      batch
        ? `WITH range_row AS (
             UPDATE backfill_ranges SET cursor_key = $5::jsonb, rows_done = rows_done + $6, batches = batches + 1, updated_at = now(), last_error = NULL
              WHERE job = $1 AND run = $2 AND range = $3 AND finished_at IS NULL AND cursor_key IS NOT DISTINCT FROM $4::jsonb
              RETURNING 1
           ), job_row AS (
             UPDATE backfill_checkpoints SET rows_done = rows_done + $6, batches = batches + 1, updated_at = now()
              WHERE job = $1 AND EXISTS (SELECT FROM range_row) RETURNING batches
           )
           INSERT INTO backfill_batches (job, run, batch, range, from_tuple, to_tuple, worker, rows, ms)
           SELECT $1, $2, batches, $3, $4::jsonb, $5::jsonb, $7, $6, $8 FROM job_row`
        : `UPDATE backfill_ranges SET finished_at = now(), updated_at = now(), last_error = NULL
            WHERE job = $1 AND run = $2 AND range = $3 AND finished_at IS NULL AND cursor_key IS NOT DISTINCT FROM $4::jsonb`,
      batch
        ? [
            job.name,
            run,
            range.range,
            cursor && JSON.stringify(cursor),
            JSON.stringify(batch.lastKey),
            batch.rows,
            WORKER_ID,
            ms,
          ]
        : [job.name, run, range.range, cursor && JSON.stringify(cursor)],
    );
    if (recorded.rowCount === 0) {
      await client.query('ROLLBACK');
      return { kind: 'taken' as const };
    }
    await client.query('COMMIT');
    if (!batch) return { kind: 'finished' as const };
    return { kind: 'applied' as const, ...batch };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

export async function runRange(
  client: pg.Client,
  prepared: PreparedJob,
  run: number,
  range: RangeState,
  settings: BatchSettings,
): Promise<RangeOutcome> {
  await client.query(`SET lock_timeout = '${BATCH_LOCK_TIMEOUT}'`);
  let cursor = range.cursor;
  let batchSize = settings.batchSize;
  const outcome = (kind: RangeOutcome['kind']): RangeOutcome => ({ kind, rowsChanged, batches, maxBatchMs, cursor });
  let rowsChanged = 0;
  let batches = 0;
  let maxBatchMs = 0;
  let pressureCheckedAt = Number.NEGATIVE_INFINITY;
  for (;;) {
    if (settings.signal?.aborted) return outcome('stopped');
    if (performance.now() - pressureCheckedAt >= PRESSURE_CHECK_EVERY_MS) {
      await waitForHeadroom(client, settings.pressure, settings.signal);
      pressureCheckedAt = performance.now();
      if (settings.signal?.aborted) return outcome('stopped');
    }
    const apply = isTransformJob(prepared.job) ? applyTransformBatchInTransaction : applySqlBatchAtOnce;
    const started = performance.now();
    const batch = await withLockRetry(prepared.job, cursor, () =>
      apply(client, prepared, run, range, cursor, batchSize),
    );
    if (batch.kind !== 'applied') return outcome(batch.kind);
    const batchMs = performance.now() - started;
    cursor = batch.lastKey;
    rowsChanged += batch.rows;
    batches += 1;
    maxBatchMs = Math.max(maxBatchMs, batchMs);
    settings.onBatch?.(batch.rows);
    if (settings.targetBatchMs) {
      if (batchMs > settings.targetBatchMs) batchSize = Math.max(1, Math.floor(batchSize / 2));
      else if (batchMs < settings.targetBatchMs / 2)
        batchSize = Math.min(settings.batchSize, Math.ceil(batchSize * 1.5));
    }
    if (settings.sleepMs > 0)
      await sleep(settings.sleepMs, undefined, { signal: settings.signal }).catch(() => undefined);
  }
}

async function withLockRetry<T>(job: BackfillJob, cursor: KeyValue | null, attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (RETRYABLE.has((error as { code?: string }).code ?? '') && tries < LOCK_RETRIES) {
        await sleep(250 * tries);
        continue;
      }
      const after = cursor ? `after key (${cursor.join(', ')})` : 'at the start of its range';
      throw new BackfillError(
        `A batch of "${job.name}" ${after} failed and was rolled back: ${(error as Error).message}`,
        {
          fix: 'Earlier batches are kept; fix the cause and run the job again to resume.',
        },
      );
    }
  }
}
