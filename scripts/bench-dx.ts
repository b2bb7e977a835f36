/**
 * `npm run kit -- bench dx [-- --runs N --out dir]` (default 5 runs): how long the everyday commands
 * take, as medians, next to the floors they are compared with: a bare Prisma CLI (a scratch
 * project whose config does nothing but name the schema, same engine) and one `SELECT 1` through
 * node-postgres. The kit's own cost per command is the difference. The commands that change a
 * project (a new model, a new migration) run in a copy of the checkout. `npm test` is not timed
 * here (minutes, one run): `npm run kit -- bench tests` times it and says where its time goes.
 * Works on DATABASE_URL's server (or the embedded one) in databases of its own.
 */
import { childEnvironment } from '#kit/environment.ts';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { withDatabase } from '#kit/db/connection-url.ts';
import { ensureDatabase } from '#kit/db/database-url.ts';
import { withPgClient } from '#kit/db/pg-client.ts';
import { dropDatabase, migrateDatabase } from '#kit/db/scratch-databases.ts';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { parseCount } from '#kit/parse-count.ts';
import { prismaCliPath } from '#kit/prisma-package.ts';
import { checkoutSettings } from '#kit/settings.ts';
import { runCli } from '#kit/run-cli.ts';
import { scriptCommand } from '#kit/script-command.ts';
import { standInPath } from '#kit/schema-engine/select-engine.ts';
import { copyProject, type ProjectCopy } from '../test/kit/support/project-copy.ts';

const { root: projectRoot, data: dataDir } = checkoutSettings();

const USAGE = 'Usage: npm run kit -- bench dx [--runs N] [--out <dir>]';
const DATABASE = 'kit_bench_dx';

interface Row {
  command: string;
  floor: string;
  ms: number;
  floorMs: number;
  costMs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** One command to time, and how to run it. */
interface Timed {
  command: string[];
  cwd: string;
  env: Record<string, string>;
  /** Extra environment for run `i` (0-based), e.g. a database of its own. */
  envFor?: (run: number) => Record<string, string>;
  /** Undo what a run did (a created migration) so the next run starts from the same place. */
  after?: () => void;
}

/** Wall time of run `i` of a command; fails loudly if it fails. */
function runOnce(timed: Timed, i: number): number {
  const { command, cwd, env } = timed;
  const started = performance.now();
  const run = spawnSync(command[0]!, command.slice(1), {
    cwd,
    env: childEnvironment({ ...env, ...timed.envFor?.(i) }),
    encoding: 'utf8',
  });
  const ms = performance.now() - started;
  timed.after?.();
  if (run.status !== 0)
    throw new Error(`${command.join(' ')} failed (exit ${run.status}):\n${run.stdout}${run.stderr}`);
  return ms;
}

/**
 * A command and its floor, `runs` times each, in turns (command, floor, command, …): this
 * machine's speed drifts by a few hundred ms over a minute, and timing all of one before all of
 * the other put that drift into the difference. The kit's cost is the median of the pairs'
 * differences, each pair run back to back.
 */
function timeAgainst(runs: number, timed: Timed, floor: Timed): Omit<Row, 'command' | 'floor'> {
  const times: number[] = [];
  const floorTimes: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    times.push(runOnce(timed, i));
    floorTimes.push(runOnce(floor, i));
  }
  return {
    ms: median(times),
    floorMs: median(floorTimes),
    costMs: median(times.map((ms, i) => ms - floorTimes[i]!)),
  };
}

/** A project with nothing of the kit's: its config names the schema, the migrations and the database. */
function bareProject(prismaDir: string): string {
  const dir = join(dataDir, 'tmp', `bench-dx-bare-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'prisma.config.ts'),
    `import { defineConfig } from 'prisma/config';\nexport default defineConfig({ schema: '${join(prismaDir, 'schema.prisma')}', migrations: { path: '${join(prismaDir, 'migrations')}' }, datasource: { url: process.env.DATABASE_URL ?? '' } });\n`,
  );
  return dir;
}

/**
 * A copy of the checkout as a team's branch: committed as main, then a feature branch, so that
 * `migrate:lint` lints what the branch adds, as it does in a pull request.
 */
function branchCopy(): ProjectCopy {
  const copy = copyProject('bench-dx');
  const git = (...args: string[]) =>
    spawnSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.test', ...args], { cwd: copy.dir });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'main');
  git('checkout', '-q', '-b', 'feature');
  return copy;
}

const NEW_MODEL = '\nmodel BenchNote {\n  id   Int    @id @default(autoincrement())\n  body String\n}\n';

runCli(async (argv) => {
  const { values } = parseCliArgs(
    { args: argv, options: { runs: { type: 'string', default: '5' }, out: { type: 'string' } } },
    USAGE,
  );
  const runs = parseCount('--runs', values.runs, 1);
  const outDir = resolve(values.out ?? join(dataDir, 'bench-dx'));
  const server = withDatabase((await ensureDatabase()).url, 'postgres');
  const url = withDatabase(server, DATABASE);
  await dropDatabase(url);
  await migrateDatabase(url, projectRoot);
  const copy = branchCopy();
  const copyPrisma = join(copy.dir, 'prisma');
  const bare = bareProject(copyPrisma);
  const env = { DATABASE_URL: url, KIT_QUIET_ENGINE_LINE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1', CI: 'true' };
  // The bare project runs the same engine (the stand-in, or native where it runs), so the
  // difference is the kit's config, its checks and its scripts.
  const bareEnv = { ...env, PRISMA_SCHEMA_ENGINE_BINARY: standInPath() };
  const prisma = (...args: string[]) => [process.execPath, prismaCliPath(), ...args];
  const rows: Row[] = [];
  const measure = (command: string, floor: string, timed: Timed, floorTimed: Timed) => {
    process.stderr.write(`kit bench dx: ${command}…\n`);
    rows.push({ command, floor, ...timeAgainst(runs, timed, floorTimed) });
  };
  const kit = (command: string[], options: Partial<Timed> = {}): Timed => ({
    command,
    cwd: projectRoot,
    env,
    ...options,
  });
  const bareCli = (command: string[], options: Partial<Timed> = {}): Timed => ({
    command,
    cwd: bare,
    env: bareEnv,
    ...options,
  });
  const select1 = kit([
    process.execPath,
    '-e',
    `const pg=require('pg');const c=new pg.Client(process.env.DATABASE_URL);c.connect().then(()=>c.query('SELECT 1')).then(()=>c.end())`,
  ]);

  try {
    for (const args of [['--version'], ['migrate', 'status']]) {
      measure(`\`prisma ${args.join(' ')}\``, 'bare CLI', kit(prisma(...args)), bareCli(prisma(...args)));
    }
    measure(
      '`prisma migrate deploy`, nothing pending',
      'bare CLI',
      kit(prisma('migrate', 'deploy')),
      bareCli(prisma('migrate', 'deploy')),
    );
    measure(
      '`prisma migrate dev`, nothing to do',
      'bare CLI',
      kit(prisma('migrate', 'dev')),
      bareCli(prisma('migrate', 'dev')),
    );
    measure(
      'schema-engine stand-in `--version`',
      '`SELECT 1` via pg',
      kit([process.execPath, standInPath(), '--version']),
      select1,
    );
    measure(
      '`npm run setup`, nothing to do',
      '`SELECT 1` via pg',
      kit(scriptCommand('setup', [], projectRoot).flat()),
      select1,
    );
    const freshDatabase = (i: number) => ({ DATABASE_URL: withDatabase(server, `${DATABASE}_fresh_${i}`) });
    const dropFresh = () =>
      Promise.all(Array.from({ length: 2 * runs }, (_, i) => dropDatabase(freshDatabase(i).DATABASE_URL)));
    // Left over by an interrupted run, they would turn a fresh setup into one with nothing to do.
    await dropFresh();
    measure(
      '`npm run setup`, fresh database',
      'bare `prisma migrate deploy` into a new database',
      kit(scriptCommand('setup', [], projectRoot).flat(), { envFor: freshDatabase }),
      // Each setup run leaves its database behind; the floor gets new ones too.
      bareCli(prisma('migrate', 'deploy'), { envFor: (i) => freshDatabase(runs + i) }),
    );
    // The copy's bundles (.data/build/: the stand-in, each script) are built on first use; build
    // them before its commands are timed, or a short run measures esbuild.
    runOnce(kit(prisma('--version'), { cwd: copy.dir }), 0);
    runOnce(kit(scriptCommand('lint-migrations', ['--no-database'], copy.dir).flat(), { cwd: copy.dir }), 0);
    // Each run writes a migration folder for the new model; it is removed before the next run.
    const createOnly = prisma('migrate', 'dev', '--create-only', '--name', 'bench_note');
    const schema = join(copyPrisma, 'schema.prisma');
    const originalSchema = readFileSync(schema, 'utf8');
    writeFileSync(schema, originalSchema + NEW_MODEL);
    const removeNewMigration = () => {
      for (const name of readdirSync(join(copyPrisma, 'migrations')).filter((n) => n.endsWith('_bench_note'))) {
        rmSync(join(copyPrisma, 'migrations', name), { recursive: true, force: true });
      }
    };
    measure(
      '`prisma migrate dev --create-only`, one new model',
      'bare CLI',
      kit(createOnly, { cwd: copy.dir, after: removeNewMigration }),
      bareCli(createOnly, { after: removeNewMigration }),
    );
    // The branch now has what a developer has at this point: the model and its generated migration.
    runOnce(kit(createOnly, { cwd: copy.dir }), 0);
    measure(
      '`npm run migrate:lint`, one new migration',
      'bare `prisma migrate diff` (its drift check)',
      kit(scriptCommand('lint-migrations', [], copy.dir).flat(), { cwd: copy.dir }),
      // The floor is the drift check exactly as the linter spawns it (src/kit/prisma-cli.ts): with
      // --exit-code, and without Prisma's update check, a child process of its own.
      bareCli(
        prisma(
          'migrate',
          'diff',
          '--from-migrations',
          join(copyPrisma, 'migrations'),
          '--to-schema',
          schema,
          '--exit-code',
        ),
        { env: { ...bareEnv, CHECKPOINT_DISABLE: '1' } },
      ),
    );
    await dropFresh();
  } finally {
    rmSync(bare, { recursive: true, force: true });
    copy.remove();
    await dropDatabase(url);
  }

  const version = await withPgClient(
    server,
    async (client) => (await client.query('SHOW server_version')).rows[0].server_version as string,
  );
  const ms = (value: number) => `${Math.round(value).toLocaleString('en-US')} ms`;
  const lines = [
    `# kit bench dx, median of ${runs}`,
    '',
    `Node ${process.version}, PostgreSQL ${version}, ${new Date().toISOString().slice(0, 10)}. Produced by \`npm run kit -- bench dx\`.`,
    '',
    '| command | median | floor | floor median | kit cost (median of paired differences) |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.command} | ${ms(row.ms)} | ${row.floor} | ${ms(row.floorMs)} | ${ms(row.costMs)} |`),
    '',
  ];
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'bench-dx.md'), lines.join('\n'));
  console.log(lines.join('\n'));
  console.log(`wrote ${join(outDir, 'bench-dx.md')}`);
});
