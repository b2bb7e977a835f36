/**
 * `npm run kit -- bench locks [-- --rows N] [--runs N] [--only index,not-null,rename,fix,fix-unique] [--out DIR]`
 * For each zero-downtime pattern, the naive change and the kit's safe one on a table of N rows
 * (default 1,000,000) while a writer keeps inserting and updating it: total time, the writer's
 * longest, p50 and p99 write, and failed writes. Prints a table and writes DIR/bench-locks.md and
 * DIR/bench-locks.svg (write latency over time, naive and safe side by side). With `--runs N`
 * each pair runs N times on fresh clones and the spread of the longest write is printed: one run
 * can't tell a stall that comes and goes from one that is gone.
 *
 * The changes run as SQL, statement by statement the way Migrate runs a file, so the totals
 * compare the SQL and not the CLI's start-up; the tests in test/kit/migrations/ run the same files
 * through `prisma migrate deploy`. Works in throwaway kit_bench_* databases on the kit's server.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, type as osType, release } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { KitError } from '#kit/kit-error.ts';
import { withDatabase } from '#kit/db/connection-url.ts';
import { ensureDatabase } from '#kit/db/database-url.ts';
import { withPgClient } from '#kit/db/pg-client.ts';
import { cloneDatabase, dropDatabase, dropDatabasesWithPrefix } from '#kit/db/scratch-databases.ts';
import { parseCount } from '#kit/parse-count.ts';
import { createProgress } from '#kit/progress.ts';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { runCli } from '#kit/run-cli.ts';
import {
  startConcurrentWriter,
  writerStats,
  type WriterStats,
  type WriterWorkload,
} from '../test/kit/support/concurrent-writer.ts';
import { demoMigrationsBefore, withRunnerBookkeeping } from '../test/kit/support/demo-project.ts';
import { renderLatencyChart, type ChartRow } from '../test/kit/support/latency-chart.ts';
import { startStallObserver } from '../test/kit/support/stall-observer.ts';
import {
  applyDemoMigrations,
  LOCK_BENCH_PATTERNS,
  type LockBenchPattern,
} from '../test/kit/support/lock-bench-patterns.ts';
import { quoteIdentifier } from '#kit/sql/quote-identifier.ts';

const PREFIX = 'kit_bench_';
/** How long the writer goes on after a change finishes. */
const SETTLE_MS = 500;
/**
 * How long the writer runs before the change starts; its writes meanwhile are not counted. The
 * first writes of a new connection are slow for reasons of its own (14 ms in two of five recorded
 * safe runs: docs/benchmarks/bench-locks-index-5-runs.md), which no change caused.
 */
const WARM_UP_MS = 300;
/**
 * The first pair of runs in a process is not counted. That run grows this process's heap, and the
 * young-generation collections that come with it stopped the writer's client for 18–24 ms during
 * the safe index build of a batch's first run, against 4–6 ms in the runs after it
 * (docs/benchmarks/bench-locks-index-5-runs.md). A property of the benchmark, not of the pattern:
 * the app's writes don't run in this process.
 */
const WARM_UP_PAIRS = 1;

/**
 * Empties this process's young generation just before the change starts. Otherwise the collection
 * it is due lands during the build, at whatever moment, and stops the writer's client for 5–53 ms
 * on two busy cores (docs/benchmarks/bench-locks-index-5-runs.md). V8 offers the collector only to
 * a process started with --expose-gc, which the flag turns on from here.
 */
const collectYoungGeneration = (() => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (options: { type: 'minor' }) => void;
  return () => gc({ type: 'minor' });
})();
const USAGE =
  'Usage: npm run kit -- bench locks [--rows N] [--runs N] [--only index,not-null,rename,fix,fix-unique] [--out DIR]';

interface Measured {
  label: string;
  ms: number;
  writer: WriterStats;
  /** The longest write, when it happened, and what the stall observer saw meanwhile. */
  longestWrite: string;
}

const n = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => `${value < 10 ? value.toFixed(1) : n(value)} ms`;

/** Runs one change while the pattern's writer (or writers, in turn) keeps writing. */
async function measure(
  url: string,
  rows: number,
  pattern: LockBenchPattern,
  variant: 'naive' | 'safe',
): Promise<Measured> {
  const change = pattern[variant];
  const t0 = performance.now();
  const finished: WriterStats[] = [];
  let writer = startConcurrentWriter(url, rows, pattern.workload, t0);
  const observer = await startStallObserver(url, await writer.backendPid(), t0);
  await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
  collectYoungGeneration();
  const changeStart = performance.now() - t0;
  const progress = createProgress({ label: `${pattern.key} ${variant} backfill`, total: rows });
  let backfilling = false;
  try {
    await change.run(url, {
      async swapWriter(workload: WriterWorkload) {
        finished.push(await writer.stop());
        writer = startConcurrentWriter(url, rows, workload, t0);
        observer.watch(await writer.backendPid());
      },
      onBackfillProgress(done) {
        backfilling = true;
        progress.update(done);
      },
    });
  } catch (error) {
    await writer.stop(); // a writer left running would spin on its dropped database
    await observer.stop();
    throw error;
  }
  const total = performance.now() - t0 - changeStart;
  if (backfilling) progress.finish();
  // The app keeps running after the change; a moment of that shows whether it recovered.
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  finished.push(await writer.stop());
  await observer.stop();
  const samples = finished.flatMap((stats) => stats.samples).filter(([at]) => at >= changeStart);
  const [at, longest] = samples.reduce((max, sample) => (sample[1] > max[1] ? sample : max), [0, 0]);
  return {
    label: change.label,
    ms: total,
    writer: writerStats(
      samples,
      finished.flatMap((stats) => stats.failures),
    ),
    longestWrite: `${ms(longest)} at ${(at / 1000).toFixed(2)} s: ${observer.explain(at - longest, at)}`,
  };
}

const baseDatabase = (pattern: LockBenchPattern) => `${PREFIX}${pattern.key.replace(/-/g, '_')}`;

async function prepareBase(server: string, pattern: LockBenchPattern, rows: number): Promise<string> {
  const base = withDatabase(server, baseDatabase(pattern));
  await withPgClient(server, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(baseDatabase(pattern))}`));
  await applyDemoMigrations(base, withRunnerBookkeeping(demoMigrationsBefore(pattern.firstMigration)));
  await pattern.fill(base, rows);
  await withPgClient(base, (client) => client.query('VACUUM ANALYZE'));
  return base;
}

/** A panel's headline: the longest write, and failures when there were any. */
const outcome = (m: Measured) =>
  `longest ${ms(m.writer.maxMs)}${m.writer.failures.length ? `, ${n(m.writer.failures.length)} failed writes` : ''}`;

function verdict(naive: Measured, safe: Measured): string {
  const share = (safe.writer.maxMs / naive.writer.maxMs) * 100;
  const ratio = safe.ms / naive.ms;
  if (naive.writer.failures.length > 0) {
    // A naive path that breaks the app is no baseline for time: only failures compare.
    return `naive broke ${n(naive.writer.failures.length)} writes, safe ${n(safe.writer.failures.length)}; safe longest write ${ms(safe.writer.maxMs)}`;
  }
  return `safe longest write = ${share < 10 ? share.toFixed(2) : share.toFixed(1)}% of naive (goal < 1%); safe total = ${ratio.toFixed(2)}× naive (goal ≤ 2×)`;
}

interface PatternResult {
  pattern: LockBenchPattern;
  /** The last run's, for the table and the chart. */
  naive: Measured;
  safe: Measured;
  /** Every run's longest write, in run order. */
  naiveLongest: number[];
  safeLongest: number[];
  /** Each safe run's longest write, with what the stall observer saw meanwhile. */
  safeStalls: string[];
}

/** `min / median / max` of a run's longest writes, or the one value. */
function spread(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 1) return ms(sorted[0] as number);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] as number;
  return `${ms(sorted[0] as number)} / ${ms(median)} / ${ms(sorted.at(-1) as number)} (min / median / max of ${sorted.length} runs: ${values.map((value) => Math.round(value)).join(', ')})`;
}

function markdown(rows: number, results: PatternResult[], machine: string): string {
  const lines = [
    `# kit bench locks, ${n(rows)} rows`,
    '',
    `Machine: ${machine}`,
    '',
    'Each change ran on a table of this many rows while one connection kept inserting a row and updating another.',
    `A safe path includes its backfill; the writer starts ${WARM_UP_MS} ms before the change (those writes are not counted) and goes on for ${SETTLE_MS} ms after it; the first pair of runs warms this process up and is not counted. Latencies are per write (insert + update). Produced by \`npm run kit -- bench locks\`.`,
    '',
    "The rename's writer is the release that knows only `name` (and, on the safe path after the switch, the one that knows only `display_name`): the naive RENAME COLUMN is instant but every write of the running release fails from then on.",
    '',
    '| pattern | path | total | writes | failed | longest write | p50 | p99 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const { pattern, naive, safe } of results) {
    for (const [path, m] of [
      ['naive', naive],
      ['safe', safe],
    ] as const) {
      lines.push(
        `| ${pattern.key} | ${path}: ${m.label} | ${ms(m.ms)} | ${n(m.writer.writes)} | ${n(m.writer.failures.length)} | ${ms(m.writer.maxMs)} | ${ms(m.writer.p50Ms)} | ${ms(m.writer.p99Ms)} |`,
      );
    }
  }
  lines.push(
    '',
    ...results.map(({ pattern, naive, safe }) => `- **${pattern.key}**: ${verdict(naive, safe)}`),
    '',
    'Longest write per run:',
    '',
    ...results.flatMap(({ pattern, naiveLongest, safeLongest }) => [
      `- **${pattern.key}** naive: ${spread(naiveLongest)}`,
      `- **${pattern.key}** safe: ${spread(safeLongest)}`,
      `- **${pattern.key}** safe as a share of naive, run by run: ${safeLongest.map((safe, run) => `${((safe / (naiveLongest[run] as number)) * 100).toFixed(2)}%`).join(', ')}`,
    ]),
    '',
    "Each safe run's longest write, and what was happening meanwhile (test/kit/support/stall-observer.ts samples the writer's backend every 5 ms):",
    '',
    ...results.flatMap(({ pattern, safeStalls }) =>
      safeStalls.map((stall, run) => `- **${pattern.key}** safe, run ${run + 1}: ${stall}`),
    ),
    '',
    '![write latency over time, naive and safe](bench-locks.svg)',
    '',
  );
  return lines.join('\n');
}

runCli(async (argv, settings) => {
  const { values } = parseCliArgs(
    {
      args: argv,
      options: {
        rows: { type: 'string', default: '1000000' },
        runs: { type: 'string', default: '1' },
        only: { type: 'string' },
        out: { type: 'string' },
      },
    },
    USAGE,
  );
  const rows = parseCount('--rows', values.rows, 1000);
  const runs = parseCount('--runs', values.runs, 1);
  const wanted = values.only?.split(',').map((key) => key.trim());
  const unknown = wanted?.filter((key) => !LOCK_BENCH_PATTERNS.some((pattern) => pattern.key === key));
  if (unknown?.length)
    throw new KitError(`Unknown pattern ${unknown.join(', ')} for --only`, {
      fix: `Patterns: ${LOCK_BENCH_PATTERNS.map((p) => p.key).join(', ')}.`,
    });
  const patterns = LOCK_BENCH_PATTERNS.filter((pattern) => !wanted || wanted.includes(pattern.key));
  const outDir = resolve(values.out ?? join(settings.data, 'bench-locks'));

  const server = withDatabase((await ensureDatabase()).url, 'postgres');
  const version = await withPgClient(
    server,
    async (client) => (await client.query('SHOW server_version')).rows[0].server_version as string,
  );
  const results: PatternResult[] = [];
  await dropDatabasesWithPrefix(server, PREFIX);
  try {
    for (const pattern of patterns) {
      console.log(`${pattern.key}: filling ${n(rows)} rows…`);
      await prepareBase(server, pattern, rows);
      const measured: Record<'naive' | 'safe', Measured[]> = { naive: [], safe: [] };
      const warmUp = results.length === 0 ? WARM_UP_PAIRS : 0;
      for (let run = 1 - warmUp; run <= runs; run += 1) {
        const of = run < 1 ? ' (warm-up, not counted)' : runs > 1 ? ` (run ${run} of ${runs})` : '';
        for (const variant of ['naive', 'safe'] as const) {
          const url = await cloneDatabase(server, baseDatabase(pattern), `${baseDatabase(pattern)}_${variant}`);
          // Each run starts from a clean checkpoint and without the last one's leftovers (dirty
          // pages, dead rows for autovacuum), which otherwise show up as stray stalls.
          await withPgClient(server, (client) => client.query('CHECKPOINT'));
          console.log(`${pattern.key}: ${variant}${of}…`);
          const result = await measure(url, rows, pattern, variant);
          console.log(`  longest write ${result.longestWrite}`);
          if (run >= 1) measured[variant].push(result);
          await dropDatabase(url);
        }
      }
      const longest = (all: Measured[]) => all.map((m) => m.writer.maxMs);
      results.push({
        pattern,
        naive: measured.naive.at(-1) as Measured,
        safe: measured.safe.at(-1) as Measured,
        naiveLongest: longest(measured.naive),
        safeLongest: longest(measured.safe),
        safeStalls: measured.safe.map((m) => m.longestWrite),
      });
      await dropDatabasesWithPrefix(server, PREFIX);
    }
  } finally {
    await dropDatabasesWithPrefix(server, PREFIX);
  }

  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${osType()} ${release()}, Node ${process.version}, PostgreSQL ${version}, ${new Date().toISOString().slice(0, 10)}`;
  const report = markdown(rows, results, machine);
  const rowsForChart: ChartRow[] = results.map(({ pattern, naive, safe }) => ({
    label: pattern.key,
    naive: {
      title: `${pattern.key}, naive: ${naive.label} (${outcome(naive)})`,
      samples: naive.writer.samples,
      color: '#c0392b',
    },
    safe: { title: `${pattern.key}, safe (${outcome(safe)})`, samples: safe.writer.samples, color: '#16807a' },
  }));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'bench-locks.md'), report);
  writeFileSync(
    join(outDir, 'bench-locks.svg'),
    renderLatencyChart(rowsForChart, `Write latency while the change runs (${n(rows)} rows, log scale)`),
  );
  console.log(
    `\n${report
      .split('\n')
      .filter((line) => line.startsWith('|') || line.startsWith('- **'))
      .join('\n')}`,
  );
  console.log(`\nwrote ${relative(settings.root, join(outDir, 'bench-locks.md'))} and bench-locks.svg`);
});
