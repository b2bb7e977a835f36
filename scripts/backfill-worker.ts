/**
 * `npm run backfill:worker [-- --concurrency N] [--heartbeat-s N] [--monitor-s N]`
 * A backfill worker: takes key ranges of any job from the queue (put there by
 * `npm run backfill -- <job> --workers N`) and runs them until SIGTERM / Ctrl-C, after which it
 * finishes its current batches and hands its ranges back. Run it on as many machines as the
 * database can take, or as your platform's worker service; it needs DATABASE_URL and this
 * release's code (the jobs it runs are the ones in src/backfills/).
 */
import { backfillJobs } from '../src/backfills/index.ts';
import { assertQueueTimings, DEFAULT_QUEUE_TIMINGS, workRanges } from '../src/backfill/queue-workers.ts';
import { requireDatabaseUrl } from '../src/db/database-url.ts';
import { parseCliArgs } from '../src/parse-cli-args.ts';
import { parseCount } from '../src/parse-count.ts';
import { runCli } from '../src/run-cli.ts';

const USAGE = 'Usage: npm run backfill:worker -- [--concurrency N] [--heartbeat-s N] [--monitor-s N]';

runCli(async (argv) => {
  const { values } = parseCliArgs(
    {
      args: argv,
      options: {
        concurrency: { type: 'string', default: '1' },
        'heartbeat-s': { type: 'string', default: String(DEFAULT_QUEUE_TIMINGS.heartbeatSeconds) },
        'monitor-s': { type: 'string', default: String(DEFAULT_QUEUE_TIMINGS.monitorIntervalSeconds) },
      },
    },
    USAGE,
  );
  const url = requireDatabaseUrl();
  const timings = assertQueueTimings({
    heartbeatSeconds: parseCount('--heartbeat-s', values['heartbeat-s'], 1),
    monitorIntervalSeconds: parseCount('--monitor-s', values['monitor-s'], 1),
  });
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.log(`${signal}: finishing the current batch, then handing the range back…`);
      stop.abort();
    });
  }
  console.log(`backfill worker ${process.pid} waiting for ranges (jobs: ${backfillJobs.map((job) => job.name).join(', ')})`);
  await workRanges(url, {
    jobs: backfillJobs,
    concurrency: parseCount('--concurrency', values.concurrency, 1),
    timings,
    signal: stop.signal,
    onRange: ({ job, run, range, outcome }) => {
      const rows = outcome.rowsChanged.toLocaleString('en-US');
      const what = { finished: 'done', stopped: 'stopped', taken: 'left to another worker', failed: `failed: ${outcome.error}` }[outcome.kind];
      console.log(`${job} run ${run} range ${range}: ${what} (${rows} rows in ${outcome.batches} batches)`);
    },
  });
});
