/**
 * `npm run kit -- bench tests [-- --project kit|walks|load --out dir]`: where a test run's time goes. Runs the
 * suite once (`vitest run --project kit` by default) with a hook in every Node process it starts
 * (NODE_OPTIONS=--require), so each Prisma command, schema-engine stand-in, kit script and test
 * worker reports its CPU time when it exits. Prints the wall time, the files by duration and the
 * processes by CPU, grouped by command; writes the same as markdown.
 * Processes killed by a signal (a test's SIGKILL) don't report; PostgreSQL's own CPU is not counted.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { checkoutSettings } from '#kit/settings.ts';
import { runCli } from '#kit/run-cli.ts';
import { KitError } from '#kit/kit-error.ts';

const { root: projectRoot, data: dataDir } = checkoutSettings();

const USAGE = 'Usage: npm run kit -- bench tests [--project kit|walks|load] [--out <dir>]';

// Plain CommonJS so that it loads before anything else in every process, TypeScript loader or not.
const HOOK = `const { appendFileSync } = require('node:fs');
const started = Date.now();
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  const line = { argv: process.argv.slice(1), cpuMs: (user + system) / 1000, wallMs: Date.now() - started };
  try { appendFileSync(process.env.KIT_PROCESS_LOG, JSON.stringify(line) + '\\n'); } catch {}
});
`;

interface ProcessLine {
  argv: string[];
  cpuMs: number;
  wallMs: number;
}

interface VitestReport {
  testResults: Array<{ name: string; startTime: number; endTime: number; assertionResults: unknown[] }>;
  numPassedTests: number;
  numFailedTests: number;
}

/** What a process was, in words a person groups by: `prisma migrate deploy`, `script backfill`, … */
function commandKind(argv: string[]): string {
  const at = argv.findIndex((arg) => /prisma[/\\]build[/\\]index\.js$|\.bin[/\\]prisma$/.test(arg));
  if (at >= 0) {
    const words = argv.slice(at + 1).filter((arg) => !arg.startsWith('-'));
    if (words[0]?.startsWith('{')) return "prisma's update check";
    return ['prisma', ...words.slice(0, words[0] === 'migrate' || words[0] === 'db' ? 2 : 1)].join(' ');
  }
  const text = argv.join(' ');
  if (/prisma[/\\]build[/\\]child/.test(text)) return "prisma's update check";
  if (/schema-engine-wasm\.mjs/.test(text)) return 'schema-engine stand-in';
  if (/vitest/.test(text)) return 'vitest (main and workers)';
  if (/squawk/.test(text)) return 'squawk';
  if (/npm-cli\.js|(^|[/\\])npm( |$)/.test(text)) return 'npm';
  const script = text.match(/scripts[/\\]([\w-]+)\.ts/);
  if (script) return `script ${script[1]}`;
  // A test's copy of the checkout (.data/tmp/<name>-<pid>/) counts as the checkout.
  return argv[0] ? relative(projectRoot, argv[0]).replace(/^\.data\/tmp\/[\w-]+?-\d+\//, '') : 'node -e';
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

runCli(async (argv) => {
  const { values } = parseCliArgs(
    { args: argv, options: { project: { type: 'string', default: 'kit' }, out: { type: 'string' } } },
    USAGE,
  );
  if (!['kit', 'walks', 'load'].includes(values.project))
    throw new KitError('--project must be kit, walks or load', { fix: USAGE });
  const workDir = join(dataDir, 'tmp', `bench-tests-${process.pid}`);
  const outDir = resolve(values.out ?? join(dataDir, 'bench-tests'));
  mkdirSync(workDir, { recursive: true });
  const hook = join(workDir, 'process-cpu-hook.cjs');
  const processLog = join(workDir, 'processes.jsonl');
  const report = join(workDir, 'vitest.json');
  writeFileSync(hook, HOOK);
  writeFileSync(processLog, '');

  process.stderr.write(`kit bench tests: running the ${values.project} tests once (minutes)…\n`);
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    [
      join(projectRoot, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      '--project',
      values.project,
      '--reporter=dot',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ],
    {
      cwd: projectRoot,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${hook}`.trim(),
        KIT_PROCESS_LOG: processLog,
      },
    },
  );
  const wallMs = performance.now() - started;
  const results = JSON.parse(readFileSync(report, 'utf8')) as VitestReport;
  const processes = readFileSync(processLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ProcessLine);
  rmSync(workDir, { recursive: true, force: true });

  const files = results.testResults
    .map((file) => ({
      file: relative(projectRoot, file.name),
      ms: file.endTime - file.startTime,
      tests: file.assertionResults.length,
    }))
    .sort((a, b) => b.ms - a.ms);
  const kinds = new Map<string, { count: number; cpuMs: number }>();
  for (const line of processes) {
    const kind = commandKind(line.argv);
    const entry = kinds.get(kind) ?? { count: 0, cpuMs: 0 };
    entry.count += 1;
    entry.cpuMs += line.cpuMs;
    kinds.set(kind, entry);
  }
  const byCpu = [...kinds].sort(([, a], [, b]) => b.cpuMs - a.cpuMs);
  const totalCpuMs = byCpu.reduce((sum, [, entry]) => sum + entry.cpuMs, 0);

  const lines = [
    `# kit bench tests (${values.project})`,
    '',
    `${new Date().toISOString().slice(0, 10)}, Node ${process.version}. Produced by \`npm run kit -- bench tests --project ${values.project}\`.`,
    '',
    `Wall time ${seconds(wallMs)}; ${results.numPassedTests} passed, ${results.numFailedTests} failed; ${processes.length} Node processes reported ${seconds(totalCpuMs)} of CPU.`,
    '',
    '## Files by duration (they run in parallel, so these add up to more than the wall time)',
    '',
    '| file | tests | duration |',
    '| --- | --- | --- |',
    ...files.map((file) => `| ${file.file} | ${file.tests} | ${seconds(file.ms)} |`),
    '',
    '## Node processes by CPU',
    '',
    '| command | processes | CPU | CPU each | share |',
    '| --- | --- | --- | --- | --- |',
    ...byCpu.map(
      ([kind, entry]) =>
        `| ${kind} | ${entry.count} | ${seconds(entry.cpuMs)} | ${seconds(entry.cpuMs / entry.count)} | ${Math.round((100 * entry.cpuMs) / totalCpuMs)}% |`,
    ),
    '',
  ];
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `bench-tests-${values.project}.md`), lines.join('\n'));
  console.log(lines.join('\n'));
  console.log(`wrote ${join(outDir, `bench-tests-${values.project}.md`)}`);
  if (run.status !== 0) throw new KitError(`the ${values.project} tests failed (exit ${run.status}); timings above`);
});
