/**
 * `npm run kit -- bench backfill [-- --rows N] [--batch-size N] [--workers 1,2,4] [--naive-limit-s N] [--only update,loop,runner,workers]`
 * The user-timezone backfill on N users (default 1,000,000) with a concurrent writer inserting and
 * updating users, done six ways: one UPDATE; the loop most guides show (UPDATE … WHERE id IN
 * (SELECT … WHERE timezone IS NULL LIMIT n) until nothing changes); the runner in one process; the
 * runner on 1, 2 and 4 queue workers. Prints total time, rows/s, the writer's longest and p99
 * write, the runner's peak memory (all its processes), and what the writer's backend waited on
 * during each method's longest write (test/kit/support/stall-observer.ts: a lock and whose, I/O,
 * WAL, or its own client). Works in throwaway kit_bench_* databases on the kit's server, each
 * cloned from one filled copy.
 */
import { childEnvironment } from '#kit/environment.ts';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { userTimezone } from '../test/kit/fixtures/demo-project/src/backfills/user-timezone.ts';
import { withDatabase } from '#kit/db/connection-url.ts';
import { ensureDatabase } from '#kit/db/database-url.ts';
import { withPgClient } from '#kit/db/pg-client.ts';
import { cloneDatabase, dropDatabase, dropDatabasesWithPrefix } from '#kit/db/scratch-databases.ts';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { parseCount } from '#kit/parse-count.ts';
import { runCli } from '#kit/run-cli.ts';
import { startConcurrentWriter, type WriterStats } from '../test/kit/support/concurrent-writer.ts';
import { addUsersAwaitingTimezone } from '../test/kit/support/users-awaiting-backfill.ts';
import { demoMigrations } from '../test/kit/support/demo-project.ts';
import { copyProject } from '../test/kit/support/project-copy.ts';
import { deployDemoMigrations } from '../test/kit/support/scratch-project.ts';
import { scriptCommand } from '#kit/script-command.ts';
import { KitError } from '#kit/kit-error.ts';
import { startStallObserver } from '../test/kit/support/stall-observer.ts';

const PREFIX = 'kit_bench_';
const USAGE =
  'Usage: npm run kit -- bench backfill [--rows N] [--batch-size N] [--workers 1,2,4] [--naive-limit-s N] [--only update,loop,runner,workers]';
const METHODS = ['update', 'loop', 'runner', 'workers'];

interface Result {
  method: string;
  ms: number;
  rowsDone: number;
  finished: boolean;
  writer: WriterStats;
  peakMiB?: number;
  /** The longest write, when, and what the writer's backend was doing meanwhile. */
  longestWrite: string;
}

/** Peak resident memory (VmHWM) of a process and its descendants, sampled until it exits. */
function followPeakMemory(rootPid: number): () => number {
  const peaks = new Map<number, number>();
  const children = (pid: number) =>
    readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((entry) => {
        try {
          return readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ')[1] === String(pid);
        } catch {
          return false;
        }
      })
      .map(Number);
  const sample = (pid: number) => {
    try {
      const kib = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      peaks.set(pid, Math.max(peaks.get(pid) ?? 0, kib));
    } catch {
      // exited between listing and reading
    }
    for (const child of children(pid)) sample(child);
  };
  const timer = setInterval(() => sample(rootPid), 250);
  return () => {
    clearInterval(timer);
    return [...peaks.values()].reduce((sum, kib) => sum + kib, 0) / 1024;
  };
}

/** Runs `npm run backfill` (as node directly, as npm's script does) and measures it. */
async function runBackfillCommand(
  projectDir: string,
  url: string,
  args: string[],
): Promise<{ ms: number; peakMiB: number }> {
  const started = performance.now();
  const [node, command] = scriptCommand('backfill', ['user-timezone', ...args], projectDir);
  const child = spawn(node, command, {
    cwd: projectDir,
    env: childEnvironment({ DATABASE_URL: url }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stopMemory = followPeakMemory(child.pid!);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const peakMiB = stopMemory();
  if (code !== 0) throw new Error(`npm run backfill ${args.join(' ')} failed:\n${output}`);
  return { ms: performance.now() - started, peakMiB };
}

async function naiveLoop(
  url: string,
  batchSize: number,
  limitMs: number,
): Promise<{ rowsDone: number; finished: boolean }> {
  return withPgClient(url, async (client) => {
    const started = performance.now();
    let rowsDone = 0;
    for (;;) {
      const result = await client.query(
        `UPDATE users SET ${userTimezone.set} WHERE id IN (SELECT id FROM users WHERE ${userTimezone.pending} LIMIT $1)`,
        [batchSize],
      );
      rowsDone += result.rowCount ?? 0;
      if (!result.rowCount) return { rowsDone, finished: true };
      if (performance.now() - started > limitMs) return { rowsDone, finished: false };
    }
  });
}

const ms = (value: number) => `${Math.round(value).toLocaleString('en-US')} ms`;
const s = (value: number) => `${(value / 1000).toFixed(1)} s`;

runCli(async (argv) => {
  const { values } = parseCliArgs(
    {
      args: argv,
      options: {
        rows: { type: 'string', default: '1000000' },
        'batch-size': { type: 'string', default: '1000' },
        workers: { type: 'string', default: '1,2,4' },
        'naive-limit-s': { type: 'string', default: '600' },
        only: { type: 'string', default: METHODS.join(',') },
      },
    },
    USAGE,
  );
  const rows = parseCount('--rows', values.rows, 1);
  const batchSize = parseCount('--batch-size', values['batch-size'], 1);
  const workerCounts = values.workers.split(',').map((count) => parseCount('--workers', count, 1));
  const naiveLimitMs = parseCount('--naive-limit-s', values['naive-limit-s'], 1) * 1000;
  const only = new Set(values.only.split(',').map((method) => method.trim()));
  const unknown = [...only].filter((method) => !METHODS.includes(method));
  if (unknown.length > 0)
    throw new KitError(`Unknown method ${unknown.join(', ')} for --only`, { fix: `Methods: ${METHODS.join(', ')}.` });

  const server = withDatabase((await ensureDatabase()).url, 'postgres');
  await dropDatabasesWithPrefix(server, PREFIX);
  const results: Result[] = [];
  // The demo project's history and jobs (test/kit/support/demo-project.ts), whatever the team's are.
  const demo = copyProject('bench-backfill', { demo: true });
  try {
    const template = `${PREFIX}template`;
    (await deployDemoMigrations(withDatabase(server, template), demoMigrations)).remove();
    const filled = `${PREFIX}filled`;
    console.log(`filling ${rows.toLocaleString('en-US')} users awaiting the backfill…`);
    await addUsersAwaitingTimezone(await cloneDatabase(server, template, filled), rows);

    const measure = async (
      method: string,
      run: (url: string) => Promise<Omit<Result, 'method' | 'writer' | 'ms' | 'longestWrite'> & { ms?: number }>,
    ) => {
      const url = await cloneDatabase(server, filled, `${PREFIX}run`);
      await withPgClient(url, (client) => client.query('CHECKPOINT'));
      console.log(`${method}…`);
      const t0 = performance.now();
      const writer = startConcurrentWriter(url, rows, 'users', t0);
      const observer = await startStallObserver(url, await writer.backendPid(), t0);
      await sleep(500); // the writer's baseline before the backfill starts
      const started = performance.now();
      const outcome = await run(url);
      const elapsed = outcome.ms ?? performance.now() - started;
      const stats = await writer.stop();
      await observer.stop();
      const [at, longest] = stats.samples.reduce((max, sample) => (sample[1] > max[1] ? sample : max), [0, 0]);
      const longestWrite = `${ms(longest)} at ${s(at)}: ${observer.explain(at - longest, at)}`;
      console.log(`  longest write ${longestWrite}`);
      results.push({ method, ms: elapsed, writer: stats, ...outcome, longestWrite });
      const left = await withPgClient(url, async (client) =>
        Number((await client.query(`SELECT count(*) AS n FROM users WHERE ${userTimezone.pending}`)).rows[0].n),
      );
      if (outcome.finished && left !== 0) throw new Error(`${method} left ${left} rows pending`);
      await dropDatabase(url);
    };

    if (only.has('update'))
      await measure('one UPDATE', async (url) => {
        const result = await withPgClient(url, (client) =>
          client.query(`UPDATE users SET ${userTimezone.set} WHERE ${userTimezone.pending}`),
        );
        return { rowsDone: result.rowCount ?? 0, finished: true };
      });
    if (only.has('loop'))
      await measure(`loop: UPDATE … WHERE id IN (SELECT … LIMIT ${batchSize})`, (url) =>
        naiveLoop(url, batchSize, naiveLimitMs),
      );
    if (only.has('runner'))
      await measure('runner, one process', async (url) => {
        const run = await runBackfillCommand(demo.dir, url, ['--batch-size', String(batchSize)]);
        return { rowsDone: rows, finished: true, ms: run.ms, peakMiB: run.peakMiB };
      });
    for (const workers of only.has('workers') ? workerCounts : []) {
      await measure(`runner, ${workers} queue worker${workers > 1 ? 's' : ''}`, async (url) => {
        const run = await runBackfillCommand(demo.dir, url, [
          '--batch-size',
          String(batchSize),
          '--workers',
          String(workers),
        ]);
        return { rowsDone: rows, finished: true, ms: run.ms, peakMiB: run.peakMiB };
      });
    }
  } finally {
    demo.remove();
    await dropDatabasesWithPrefix(server, PREFIX);
  }

  console.log(
    `\nbench:backfill, ${rows.toLocaleString('en-US')} rows, batches of ${batchSize.toLocaleString('en-US')}, one concurrent writer`,
  );
  console.log('| method | total | rows/s | writer: writes | longest write | p99 | failed | peak memory |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    const total = r.finished ? s(r.ms) : `stopped at ${s(r.ms)}, ${Math.round((r.rowsDone / rows) * 100)}% done`;
    const memory = r.peakMiB === undefined ? 'n/a (server-side)' : `${Math.round(r.peakMiB)} MiB`;
    console.log(
      `| ${r.method} | ${total} | ${Math.round(r.rowsDone / (r.ms / 1000)).toLocaleString('en-US')} | ${r.writer.writes} | ${ms(r.writer.maxMs)} | ${r.writer.p99Ms.toFixed(1)} ms | ${r.writer.failures.length} | ${memory} |`,
    );
  }
  console.log('Totals of the runner include starting Node (and, for workers, pg-boss and the worker processes).');
  console.log("\nEach method's longest write, and what the writer's backend was doing meanwhile:");
  for (const r of results) console.log(`- ${r.method}: ${r.longestWrite}`);
});
