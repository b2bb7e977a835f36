/**
 * `npm run backfill -- <job> [--batch-size N] [--sleep-ms N] [--target-ms N] [--dry-run]`
 * `npm run backfill -- <job> --workers N [--ranges N]`   spread over N local worker processes
 * `npm run backfill -- <job> --status`                   progress across every process on the job
 * `npm run backfill -- --list`
 * `npm run backfill -- --pending`   every job that has pending rows, one after another (deploys use it)
 * Runs a data migration from src/backfills/ in small, throttled, resumable batches.
 * Ctrl-C / SIGTERM finish the current batch and exit 0; run the same command again to resume.
 */
import { isTransformJob, type BackfillJob } from '#kit/backfill/job.ts';
import { BackfillRunner, type BackfillOptions, DEFAULT_BATCH_SIZE } from '#kit/backfill/run-backfill.ts';
import { describeKey } from '#kit/backfill/key-tuple.ts';
import { runWithLocalWorkers, type LocalRunOptions } from '#kit/backfill/local-workers.ts';
import { DEFAULT_PRESSURE_LIMITS } from '#kit/backfill/pressure.ts';
import { queueTimingFlags, queueTimingsFrom } from '#kit/backfill/queue-workers.ts';
import { countPendingRows } from '#kit/backfill/run-range.ts';
import { formatJobStatus, readJobStatus } from '#kit/backfill/status.ts';
import { isConnectionLost } from '#kit/db/connection-errors.ts';
import { withPgClient } from '#kit/db/pg-client.ts';
import kitConfig from '../kit.config.ts';
import { loadBackfillJobs } from '#kit/kit-config.ts';
import { KitError } from '#kit/kit-error.ts';
import { requireDatabaseUrl } from '#kit/db/database-url.ts';
import { assertDirectUrl } from '#kit/db/pooled-url.ts';
import { parseCount } from '#kit/parse-count.ts';
import { createProgress } from '#kit/progress.ts';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { runCli } from '#kit/run-cli.ts';

const USAGE =
  'Usage: npm run backfill -- <job> [--workers N [--ranges N]] [--batch-size N] [--sleep-ms N] [--target-ms N] [--max-lock-waiters N] [--max-lag-s N] [--dry-run] | <job> --status | --pending | --list';
const n = (value: number) => Math.round(value).toLocaleString('en-US');

async function listJobs(url: string, backfillJobs: BackfillJob[]): Promise<void> {
  for (const job of backfillJobs) {
    const runner = await BackfillRunner.connect(url, job);
    try {
      const retired = await runner.retiredBecause();
      if (retired) {
        console.log(
          `${job.name.padEnd(20)} retired: ${retired}; delete its file once every database is past that migration — ${job.description}`,
        );
        continue;
      }
      const [checkpoint, pending] = [await runner.checkpoint(), await runner.pendingRows()];
      const state = !checkpoint
        ? 'never run'
        : checkpoint.finished_at
          ? `finished run ${checkpoint.run} at ${checkpoint.finished_at.toISOString()}`
          : `run ${checkpoint.run} in progress or stopped (${n(Number(checkpoint.rows_done))} rows in ${checkpoint.batches} batches)`;
      console.log(`${job.name.padEnd(20)} ${state}; ${n(pending)} rows pending — ${job.description}`);
    } finally {
      await runner.close();
    }
  }
}

runCli(async (argv, settings) => {
  const parsed = parseCliArgs(
    {
      args: argv,
      allowPositionals: true,
      options: {
        list: { type: 'boolean', default: false },
        pending: { type: 'boolean', default: false },
        'batch-size': { type: 'string', default: String(DEFAULT_BATCH_SIZE) },
        'sleep-ms': { type: 'string', default: '0' },
        'target-ms': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        status: { type: 'boolean', default: false },
        workers: { type: 'string' },
        ranges: { type: 'string' },
        'max-lock-waiters': { type: 'string', default: String(DEFAULT_PRESSURE_LIMITS.maxLockWaiters) },
        'max-lag-s': { type: 'string', default: String(DEFAULT_PRESSURE_LIMITS.maxReplicationLagSeconds) },
        ...queueTimingFlags,
      },
    },
    USAGE,
  );
  const { values, positionals } = parsed;
  const url = requireDatabaseUrl();
  // A job's lock is a session advisory lock, as Migrate's is.
  assertDirectUrl(url, 'npm run backfill');
  const backfillJobs = await loadBackfillJobs(kitConfig);
  if (values.list) return listJobs(url, backfillJobs);

  let jobs = backfillJobs;
  if (!values.pending) {
    const name = positionals[0];
    const job = backfillJobs.find((candidate) => candidate.name === name);
    if (!job) {
      const known = backfillJobs.map((candidate) => candidate.name).join(', ');
      throw name
        ? new KitError(`Unknown backfill job "${name}"`, { fix: `Jobs: ${known}.` })
        : new KitError(`Name a backfill job (${known})`, { fix: USAGE });
    }
    jobs = [job];
  }
  const options = {
    batchSize: parseCount('--batch-size', values['batch-size'], 1),
    sleepMs: parseCount('--sleep-ms', values['sleep-ms'], 0),
    targetBatchMs: values['target-ms'] === undefined ? undefined : parseCount('--target-ms', values['target-ms'], 1),
    dryRun: values['dry-run'],
    pressure: {
      maxLockWaiters: parseCount('--max-lock-waiters', values['max-lock-waiters'], 0),
      maxReplicationLagSeconds: parseCount('--max-lag-s', values['max-lag-s'], 1),
    },
  };
  if (values.status) return printStatus(url, jobs[0]!);

  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping after the current batch…`);
      stop.abort();
    });
  }
  if (values.workers !== undefined) {
    if (values.pending || options.dryRun)
      throw new KitError(`--workers runs one named job; it can't be combined with --pending or --dry-run`, {
        fix: USAGE,
      });
    return runOnWorkers(url, jobs[0]!, {
      root: settings.root,
      workers: parseCount('--workers', values.workers, 0),
      ranges: values.ranges === undefined ? undefined : parseCount('--ranges', values.ranges, 1),
      settings: options,
      timings: queueTimingsFrom(values),
      signal: stop.signal,
    });
  }
  for (const job of jobs) {
    if (!(await runJob(url, job, { ...options, signal: stop.signal }, values.pending))) return;
  }
});

async function printStatus(url: string, job: BackfillJob): Promise<void> {
  await withPgClient(url, async (client) => {
    const pending = await countPendingRows(client, job);
    console.log(formatJobStatus(job.name, await readJobStatus(client, job.name), pending).join('\n'));
  });
}

async function runOnWorkers(url: string, job: BackfillJob, options: LocalRunOptions): Promise<void> {
  const outcome = await runWithLocalWorkers(url, job, options);
  if (outcome.kind === 'nothing-to-do') {
    console.log(`${job.name}: nothing to do (no pending rows).`);
    return;
  }
  const { status } = outcome;
  const summary = `${n(status.rowsDone)} rows changed in ${n(status.batches)} batches by ${options.workers > 0 ? `${options.workers} workers` : 'queue workers'}, ${(outcome.elapsedMs / 1000).toFixed(1)} s (run ${status.run}${outcome.resumed ? ', resumed' : ''})`;
  if (outcome.kind !== 'finished') {
    console.log(`${job.name}: stopped. ${summary}. Resume with the same command.`);
    return;
  }
  const left = await withPgClient(url, (client) => countPendingRows(client, job));
  const skipped = leftPendingLine(job, status.rowsDone, left);
  console.log(`${job.name}: done. ${summary}`);
  if (skipped) console.log(skipped);
}

/**
 * After a finished pass, rows that still match the job's `pending`: for a SQL job a failure (its
 * `set` doesn't end a row's pending state, or the app writes pending rows: the pass changed
 * nothing that lasts, and every deploy's `--pending` would repeat it); for a transform its own
 * skips (null), said apart and never a failure.
 */
function leftPendingLine(job: BackfillJob, rowsChanged: number, left: number): string | undefined {
  if (left === 0) return undefined;
  if (!isTransformJob(job))
    throw new KitError(
      `${job.name}: the pass wrote ${n(rowsChanged)} rows, yet ${n(left)} rows still match its pending condition (${job.pending}): its set does not make a row stop matching it, or the app wrote such rows meanwhile (ship the column's default first)`,
      { fix: 'Fix the job; running it again would repeat the pass.' },
    );
  return `${job.name}: ${n(left)} rows left pending (the transform skipped them).`;
}

/** Runs one job until it finishes or is stopped; false when it stopped early. */
async function runJob(url: string, job: BackfillJob, options: BackfillOptions, skipRetired: boolean): Promise<boolean> {
  const runner = await BackfillRunner.connect(url, job);
  let progress: ReturnType<typeof createProgress> | undefined;
  try {
    // A job whose columns a later migration dropped is retired: --pending passes it by, and
    // running it by name says so instead of failing on the missing column.
    const retired = await runner.retiredBecause();
    if (retired && skipRetired) {
      console.log(`${job.name}: skipped, retired (${retired}).`);
      return true;
    }
    if (retired)
      throw new KitError(`${job.name} is retired: ${retired}`, {
        fix: 'A later migration dropped what it names; remove it from src/backfills once no environment still has to run it.',
      });
    let committed = 0;
    const outcome = await runner
      .run({
        ...options,
        onBatch: ({ rowsChanged, pendingAtStart }) => {
          committed = rowsChanged;
          progress ??= createProgress({ label: job.name, total: pendingAtStart });
          progress.update(rowsChanged);
        },
      })
      .catch((error: unknown) => {
        if (!isConnectionLost(error)) throw error;
        // Every batch is its own transaction with its checkpoint: what committed stays done.
        throw new KitError(
          `${job.name}: the connection to the database was lost (${(error as Error).message}) after ${n(committed)} rows in committed batches; those stay done`,
          { fix: `Resume with: npm run backfill -- ${job.name}` },
        );
      });
    progress?.finish();
    switch (outcome.kind) {
      case 'nothing-to-do':
        console.log(`${job.name}: nothing to do (no pending rows).`);
        return true;
      case 'dry-run':
        console.log(`${job.name}: dry run, ${n(outcome.pendingRows)} rows would change; nothing was changed.`);
        return true;
      default: {
        const resumed = outcome.resumed ? ', resumed' : '';
        const summary = `${n(outcome.rowsChanged)} rows changed in ${n(outcome.batches)} batches, ${(outcome.elapsedMs / 1000).toFixed(1)} s, longest batch ${n(outcome.maxBatchMs)} ms (run ${outcome.run}${resumed})`;
        if (outcome.kind === 'stopped') {
          console.log(
            `${job.name}: stopped after key (${describeKey(outcome.lastKey)}). ${summary}. Resume with: npm run backfill -- ${job.name}`,
          );
          return false;
        }
        const skipped = leftPendingLine(job, outcome.rowsChanged, outcome.stillPending ?? 0);
        console.log(`${job.name}: done. ${summary}`);
        if (skipped) console.log(skipped);
        return true;
      }
    }
  } finally {
    await runner.close();
  }
}
