/**
 * One backfill spread over many worker processes, on one machine or many, through pg-boss: a job
 * queue in the same PostgreSQL (schema `pgboss`, installed on first use), so nothing else has to
 * run (docs/decisions/0009-backfill-workers-on-pg-boss.md).
 *
 * A run's key ranges (bookkeeping.ts) become one queue job each. A worker takes a range and runs
 * it batch by batch exactly as the single runner does (run-range.ts), for one time slice; if the
 * range isn't done by then, it queues the range's next slice and completes. Slices keep every
 * queue job short, so a short expiry can tell a dead worker: pg-boss retries an expired slice on
 * another worker. The range's cursor and claim make sure that the next worker starts after the
 * last committed batch and that no batch applies twice, whatever the queue does.
 */
import PgBoss from 'pg-boss';
import type pg from 'pg';
import { connectPgClient } from '../db/pg-client.ts';
import { pgConnectionOptions } from '../db/pg-connection-options.ts';
import { BackfillError } from './backfill-error.ts';
import { parseCount } from '../parse-count.ts';
import { finishRunIfDone, tryLockJob, unfinishedRanges, unlockJob } from './bookkeeping.ts';
import type { BackfillJob } from './job.ts';
import type { PressureLimits } from './pressure.ts';
import { vacuumAfterBackfill } from './run-backfill.ts';
import { prepareJob, runRange, type RangeOutcome } from './run-range.ts';

export const RANGE_QUEUE = 'backfill-ranges';
const QUEUE_SCHEMA = 'pgboss';

/** How the batches of a run behave, set by whoever enqueues it and obeyed by every worker. */
export interface RangeSettings {
  batchSize: number;
  sleepMs: number;
  targetBatchMs?: number;
  pressure: PressureLimits;
}

interface RangeTask {
  job: string;
  run: number;
  range: number;
  settings: RangeSettings;
}

export interface QueueTimings {
  /** How long a worker works on a range before queueing the rest of it as a new slice. */
  sliceSeconds: number;
  /** How often pg-boss looks for expired slices (those of dead workers) to retry. */
  maintenanceSeconds: number;
}

export const DEFAULT_QUEUE_TIMINGS: QueueTimings = { sliceSeconds: 30, maintenanceSeconds: 15 };

/**
 * A slice not completed within this is presumed to belong to a dead worker. Three slices: a live
 * worker ends its slice after at most one more batch, and a throttle wait stops at the slice's end.
 */
export const sliceExpirySeconds = (timings: QueueTimings) => timings.sliceSeconds * 3 + 5;

export async function openQueue(url: string, timings: QueueTimings = DEFAULT_QUEUE_TIMINGS): Promise<PgBoss> {
  const boss = new PgBoss({
    ...pgConnectionOptions(url),
    schema: QUEUE_SCHEMA,
    max: 3,
    maintenanceIntervalSeconds: timings.maintenanceSeconds,
    // The kit needs the queue, not pg-boss's cron scheduler.
    schedule: false,
  });
  boss.on('error', (error) => console.error(`backfill queue: ${(error as Error).message}`));
  try {
    await boss.start();
  } catch (error) {
    if ((error as { code?: string }).code !== '42501') throw error;
    throw new BackfillError(
      `The backfill queue (pg-boss, schema "${QUEUE_SCHEMA}") can't be set up or used by this database role: ${(error as Error).message}`,
      {
        fix: 'Run backfills as the migration role (MIGRATION_DATABASE_URL in deploy.yml), which may create and own that schema.',
      },
    );
  }
  await boss.createQueue(RANGE_QUEUE, {
    name: RANGE_QUEUE,
    expireInSeconds: sliceExpirySeconds(timings),
    // Retries cover slices whose worker died or was stopped; each retry resumes at the cursor.
    retryLimit: 100,
    retryDelay: 1,
  });
  return boss;
}

/** Puts every unfinished range of the run on the queue; returns how many. */
export async function enqueueRun(
  boss: PgBoss,
  client: pg.Client,
  job: string,
  run: number,
  settings: RangeSettings,
): Promise<number> {
  const ranges = await unfinishedRanges(client, job, run);
  if (ranges.length === 0) return 0;
  // A range enqueued twice (the command run again) is harmless: the second delivery finds the
  // range finished, or claimed at a cursor that moved, and ends.
  await boss.insert(
    ranges.map((range) => ({
      name: RANGE_QUEUE,
      data: { job, run, range: range.range, settings } satisfies RangeTask,
    })),
  );
  return ranges.length;
}

export interface WorkerOptions {
  jobs: BackfillJob[];
  /** Ranges this process works on at once, each on its own connection. */
  concurrency: number;
  timings: QueueTimings;
  signal: AbortSignal;
  onRange?: (event: { job: string; run: number; range: number; outcome: RangeOutcome }) => void;
}

async function runTask(url: string, jobs: BackfillJob[], task: RangeTask, signal: AbortSignal): Promise<RangeOutcome> {
  const job = jobs.find((candidate) => candidate.name === task.job);
  if (!job) throw new Error(`this worker does not know backfill job "${task.job}": deploy the release that defines it`);
  const client = await connectPgClient(url);
  try {
    if (!(await tryLockJob(client, job.name, 'shared'))) {
      throw new Error(
        `"${job.name}" is being run by a single runner (npm run backfill -- ${job.name}); retrying later`,
      );
    }
    try {
      const range = (await unfinishedRanges(client, job.name, task.run)).find(
        (candidate) => candidate.range === task.range,
      );
      if (!range) return { kind: 'finished', rowsChanged: 0, batches: 0, maxBatchMs: 0, cursor: null };
      const prepared = await prepareJob(client, job);
      let outcome: RangeOutcome;
      try {
        outcome = await runRange(client, prepared, task.run, range, { ...task.settings, signal });
      } catch (error) {
        if (!(error instanceof BackfillError)) throw error; // e.g. a lost connection: pg-boss retries the range
        // A batch that failed for good (bad data, a bug in the job): retrying can't help. The range
        // stays unfinished with the reason, for --status and for whoever started the run.
        await client.query('UPDATE backfill_ranges SET last_error = $4 WHERE job = $1 AND run = $2 AND range = $3', [
          job.name,
          task.run,
          task.range,
          error.message,
        ]);
        return {
          kind: 'failed',
          rowsChanged: 0,
          batches: 0,
          maxBatchMs: 0,
          cursor: range.cursor,
          error: error.message,
        };
      }
      if (outcome.kind === 'finished' && (await finishRunIfDone(client, job.name, task.run)))
        await vacuumAfterBackfill(client, job);
      return outcome;
    } finally {
      await unlockJob(client, job.name, 'shared').catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Works on queued ranges until `signal` aborts, then finishes the current batch of each and
 * returns. A range stopped that way goes back to the queue (its queue job fails and is retried),
 * and its next worker resumes at its cursor.
 */
export async function workRanges(url: string, options: WorkerOptions): Promise<void> {
  const boss = await openQueue(url, options.timings);
  const handle = async ([queued]: PgBoss.Job<RangeTask>[]) => {
    const task = queued!.data;
    const sliceOver = AbortSignal.timeout(options.timings.sliceSeconds * 1000);
    const outcome = await runTask(url, options.jobs, task, AbortSignal.any([options.signal, sliceOver]));
    options.onRange?.({ job: task.job, run: task.run, range: task.range, outcome });
    if (outcome.kind !== 'stopped') return;
    // Shutting down: fail the slice, so pg-boss retries it on another worker at once.
    if (options.signal.aborted) throw new Error('worker stopping; the range resumes at its cursor on another worker');
    await boss.send(RANGE_QUEUE, task); // the range's next slice, for whichever worker is free
  };
  try {
    for (let i = 0; i < options.concurrency; i += 1) {
      await boss.work<RangeTask>(RANGE_QUEUE, { batchSize: 1, pollingIntervalSeconds: 1 }, handle);
    }
    await new Promise<void>((resolve) => {
      if (options.signal.aborted) resolve();
      options.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    await boss.stop({ graceful: true, timeout: 30_000 });
  }
}

/** Queue timings from command-line flags (`--slice-s`, `--maintenance-s`), one clear error each. */
export function queueTimingsFrom(values: { 'slice-s': string; 'maintenance-s': string }): QueueTimings {
  return {
    sliceSeconds: parseCount('--slice-s', values['slice-s'], 1),
    maintenanceSeconds: parseCount('--maintenance-s', values['maintenance-s'], 1),
  };
}

export const queueTimingFlags = {
  'slice-s': { type: 'string', default: String(DEFAULT_QUEUE_TIMINGS.sliceSeconds) },
  'maintenance-s': { type: 'string', default: String(DEFAULT_QUEUE_TIMINGS.maintenanceSeconds) },
} as const;
