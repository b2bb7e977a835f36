/**
 * Where a job stands, across every process that works on it: read from the bookkeeping rows
 * alone, so it is the same answer on any machine and costs no queue connection.
 */
import type pg from 'pg';

export interface JobStatus {
  run: number;
  rowsDone: number;
  batches: number;
  startedAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  ranges: { total: number; finished: number; started: number };
  failures: Array<{ range: number; error: string }>;
  /** Processes (host:pid) that committed a batch in the last minute. */
  activeWorkers: string[];
  /**
   * Sessions holding the job's advisory lock (tryLockJob) now: a runner or its workers. The lock
   * ends with the session, so a process killed a moment ago no longer counts, though its batches
   * are still recent.
   */
  holders: number;
}

export async function readJobStatus(client: pg.Client, job: string): Promise<JobStatus | undefined> {
  const checkpoint = (
    await client.query(
      `SELECT run, rows_done, batches, started_at, updated_at, finished_at FROM backfill_checkpoints WHERE job = $1 AND run > 0`,
      [job],
    )
  ).rows[0];
  if (!checkpoint) return undefined;
  const ranges = (
    await client.query(
      `SELECT count(*)::int AS total, count(finished_at)::int AS finished,
            count(*) FILTER (WHERE finished_at IS NULL AND cursor_key IS NOT NULL)::int AS started,
            coalesce(jsonb_agg(jsonb_build_object('range', range, 'error', last_error) ORDER BY range) FILTER (WHERE last_error IS NOT NULL), '[]') AS failures
       FROM backfill_ranges WHERE job = $1 AND run = $2`,
      [job, checkpoint.run],
    )
  ).rows[0];
  const workers = await client.query<{ worker: string }>(
    `SELECT DISTINCT worker FROM backfill_batches
      WHERE job = $1 AND run = $2 AND worker IS NOT NULL AND applied_at > now() - interval '1 minute' ORDER BY worker`,
    [job, checkpoint.run],
  );
  const holders = await client.query<{ n: number }>(
    `SELECT count(DISTINCT pid)::int AS n FROM pg_locks
      WHERE locktype = 'advisory' AND granted AND objsubid = 2
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND classid = hashtext('backfill')::oid AND objid = hashtext($1)::oid`,
    [job],
  );
  return {
    run: checkpoint.run,
    rowsDone: Number(checkpoint.rows_done),
    batches: checkpoint.batches,
    startedAt: checkpoint.started_at,
    updatedAt: checkpoint.updated_at,
    finishedAt: checkpoint.finished_at,
    ranges: { total: ranges.total, finished: ranges.finished, started: ranges.started },
    failures: ranges.failures,
    activeWorkers: workers.rows.map((row) => row.worker),
    holders: holders.rows[0]?.n ?? 0,
  };
}

const n = (value: number) => Math.round(value).toLocaleString('en-US');

export function formatJobStatus(job: string, status: JobStatus | undefined, pendingRows: number): string[] {
  if (!status) return [`${job}: never run; ${n(pendingRows)} rows pending`];
  const seconds = Math.max(
    0.001,
    ((status.finishedAt ?? status.updatedAt).getTime() - status.startedAt.getTime()) / 1000,
  );
  const state = status.finishedAt
    ? `finished ${status.finishedAt.toISOString()}`
    : status.holders > 0
      ? 'running'
      : 'stopped (resume it by running it again)';
  const { total, finished, started } = status.ranges;
  const lines = [
    `${job}: run ${status.run} ${state}`,
    `  rows:    ${n(status.rowsDone)} changed in ${n(status.batches)} batches (${n(status.rowsDone / seconds)} rows/s); ${n(pendingRows)} pending now`,
    `  ranges:  ${finished}/${total} done, ${started} in progress, ${total - finished - started} waiting`,
  ];
  if (!status.finishedAt)
    lines.push(
      `  workers: ${status.activeWorkers.length > 0 ? status.activeWorkers.join(', ') : 'none in the last minute'}`,
    );
  for (const failure of status.failures) lines.push(`  range ${failure.range} failed: ${failure.error}`);
  return lines;
}
