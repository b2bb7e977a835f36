/**
 * `npm run backfill:worker [-- --concurrency N] [--slice-s N] [--maintenance-s N]`
 * A backfill worker: takes key ranges of any job from the queue (put there by
 * `npm run backfill -- <job> --workers N`) and runs them until SIGTERM / Ctrl-C, after which it
 * finishes its current batches and hands its ranges back. Run it on as many machines as the
 * database can take, or as your platform's worker service; it needs DATABASE_URL and this
 * release's code (the jobs it runs are the ones in src/backfills/).
 */
import kitConfig from '../kit.config.ts';
import { loadBackfillJobs } from '#kit/kit-config.ts';
import { queueTimingFlags, queueTimingsFrom, workRanges } from '#kit/backfill/queue-workers.ts';
import { requireDatabaseUrl } from '#kit/db/database-url.ts';
import { assertDirectUrl } from '#kit/db/pooled-url.ts';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { parseCount } from '#kit/parse-count.ts';
import { runCli } from '#kit/run-cli.ts';

const USAGE = 'Usage: npm run backfill:worker -- [--concurrency N] [--slice-s N] [--maintenance-s N]';

runCli(async (argv) => {
  const { values } = parseCliArgs(
    {
      args: argv,
      options: {
        concurrency: { type: 'string', default: '1' },
        ...queueTimingFlags,
      },
    },
    USAGE,
  );
  const url = requireDatabaseUrl();
  // A job's lock is a session advisory lock, as Migrate's is.
  assertDirectUrl(url, 'npm run backfill:worker');
  const timings = queueTimingsFrom(values);
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.log(`${signal}: stopping after the current batch; an unfinished range goes back to the queue.`);
      stop.abort();
    });
  }
  const jobs = await loadBackfillJobs(kitConfig);
  console.log(`backfill worker ${process.pid} waiting for ranges (jobs: ${jobs.map((job) => job.name).join(', ')})`);
  await workRanges(url, {
    jobs,
    concurrency: parseCount('--concurrency', values.concurrency, 1),
    timings,
    signal: stop.signal,
    onRange: ({ job, run, range, outcome }) => {
      const rows = outcome.rowsChanged.toLocaleString('en-US');
      const what = {
        finished: 'done',
        stopped: 'slice over',
        taken: 'left to another worker',
        failed: `failed: ${outcome.error}`,
      }[outcome.kind];
      console.log(`${job} run ${run} range ${range}: ${what} (${rows} rows in ${outcome.batches} batches)`);
    },
  });
});
