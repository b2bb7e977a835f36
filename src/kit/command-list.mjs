/**
 * Every command the kit gives a project, declared once: its npm name, what it runs, its usage,
 * what it does, and the names it had before. package.json's scripts, the command table in
 * docs/commands.md and the deprecation line of an old name all come from here
 * (test/kit/scripts/command-list.test.ts holds the first two to it; scripts/run.mjs prints the
 * third). Plain JavaScript, because scripts/run.mjs reads it before anything is bundled.
 *
 * Team commands are `npm run <name>`; the kit's own tools (benchmarks, the test matrix, running a
 * workflow locally, init and update) sit behind one entry, `npm run kit -- <tool>`, so that a
 * team's package.json lists what a team runs.
 */

/** @type {import('./command-list.d.mts').KitCommand[]} (the fields are described there) */
export const COMMANDS = [
  {
    name: 'setup',
    script: 'setup',
    usage: '',
    summary: 'database, client, migrations, reference seed, dev seed, summary; idempotent',
  },
  {
    name: 'test',
    shell: 'vitest run --project kit',
    usage: '',
    summary:
      'the behaviour tests against a real PostgreSQL (embedded, or `TEST_DATABASE_URL`), files in parallel; about 3 minutes on 2 cores',
  },
  {
    name: 'test:walks',
    shell: 'vitest run --project walks',
    usage: '',
    summary:
      "the walks: documented command sequences run end to end with the real CLI (the README loop, the CI jobs, init on a fresh clone, every `migrate:new` pattern, recovery and rollback); about 4 minutes. Run it when you change the kit's machinery",
  },
  {
    name: 'test:load',
    shell: 'vitest run --project load',
    usage: '',
    summary: 'the zero-downtime proofs: each pattern, safe and naive, beside a concurrent writer, one file at a time',
  },
  {
    name: 'validate',
    shell: 'npm run code:check && npm test && npm run test:walks && npm run test:load',
    usage: '',
    summary: 'everything CI and `.ci/run` run',
  },
  {
    name: 'code:check',
    shell: 'biome ci . && prisma generate && tsc -p . && knip --no-progress',
    usage: '',
    summary:
      'what CI checks before the tests: formatting and lint (`biome ci`), the client generated, the type check, and `knip` (no file, export or dependency that nothing uses)',
    formerly: ['check:code'],
  },
  { name: 'typecheck', shell: 'tsc -p .', usage: '', summary: '`tsc` over the whole project' },
  {
    name: 'code:format',
    shell: 'biome check --write .',
    usage: '',
    summary: "format the TypeScript and apply the linter's safe fixes (Biome, config in `biome.jsonc`)",
    formerly: ['format'],
  },
  {
    name: 'generate',
    shell: 'prisma generate',
    usage: '',
    summary: "`prisma generate` (Prisma 7's `migrate dev` no longer runs it)",
  },
  {
    name: 'prisma',
    shell: 'prisma',
    usage: '<command>',
    summary: "the Prisma CLI with the project's config from any folder of the project",
  },
  {
    name: 'db:start',
    script: 'db',
    args: ['start'],
    usage: '',
    summary: 'start the embedded PostgreSQL (says so when its port was taken and it moved)',
  },
  { name: 'db:stop', script: 'db', args: ['stop'], usage: '', summary: 'stop it' },
  { name: 'db:status', script: 'db', args: ['status'], usage: '', summary: 'whether it runs, where, which major' },
  {
    name: 'db:url',
    script: 'db',
    args: ['url'],
    usage: '',
    summary: 'the database URL in full (password included), for psql or a GUI',
  },
  {
    name: 'db:doctor',
    script: 'db-doctor',
    usage: '',
    summary:
      "read-only: for each configured URL, the server, direct or pooled, TLS, the role's rights, the history and who holds Migrate's lock; exit 1 on a problem",
  },
  {
    name: 'db:roles',
    script: 'db-roles',
    usage: '',
    summary: 'create the migrator and app roles with least privilege',
  },
  {
    name: 'db:snapshot',
    script: 'db-snapshot',
    args: ['snapshot'],
    usage: '<name> | --list | --delete <name>',
    summary: 'copy the local database',
  },
  { name: 'db:restore', script: 'db-snapshot', args: ['restore'], usage: '<name>', summary: 'put a snapshot back' },
  {
    name: 'seed:reference',
    script: 'seed-reference',
    usage: '[--update-checksums]',
    summary: 'load the reviewed, checksummed reference data (production-safe; what `prisma db seed` runs)',
  },
  {
    name: 'seed:dev',
    script: 'seed-dev',
    usage: '[--users N --seed N --posts-per-user N]',
    summary: 'sample data from the factories, only on the embedded server or the one named in `KIT_DEV_SERVER_ID`',
  },
  {
    name: 'migrate:new',
    script: 'migrate-new',
    usage: '<pattern> <name> --table <t> …',
    summary:
      'scaffold a zero-downtime migration: `concurrent-index`, `add-column`, `not-null`, `rename-expand`, `rename-contract`, `drop`',
  },
  {
    name: 'migrate:lint',
    script: 'lint-migrations',
    usage: '[--all --base <ref> --no-database --fix --rename <t>.<old>:<t>.<new>]',
    summary:
      'lint new migrations: squawk, Prisma rules, drift, edited checksums; `--fix` rewrites generated ones into their safe sequence',
    formerly: ['lint:migrations'],
  },
  {
    name: 'migrate:plan',
    script: 'migrate-plan',
    usage: '[--max-rows N --probe-timeout-s N]',
    summary:
      "read-only: each pending statement's lock, tables and sizes, whether writes would wait, and rows that would make it fail",
  },
  {
    name: 'migrate:rehearse',
    script: 'migrate-rehearse',
    usage: '[--target <url> | --rows N | --rows-from <url>] [--all | --from <migration>] [--json]',
    summary:
      'runs the pending migrations on a database of production size beside a writer and a long reader; fails on what PostgreSQL really locked, scanned and rewrote',
  },
  {
    name: 'migrate:deploy',
    script: 'migrate-deploy',
    usage: '[--retries N --backoff-s N]',
    summary:
      '`prisma migrate deploy` after waiting out long transactions on the tables it locks, retried on a lock timeout',
  },
  {
    name: 'migrate:check-previous-client',
    script: 'migrate-check-previous-client',
    usage: '[--base <ref>]',
    summary:
      "the release running during a rolling deploy, on the migrated schema: every model read through main's client",
  },
  {
    name: 'migrate:recover',
    script: 'migrate-recover',
    usage: '[--retry | --rolled-back | --applied]',
    summary: 'after a failed deploy: explain the failed migration, then take a way out',
  },
  {
    name: 'migrate:rollback',
    script: 'migrate-rollback',
    usage: '[<migration>] | --write <migration>',
    summary: "apply the newest migration's reviewed `down.sql`; `--write` writes one with `prisma migrate diff`",
    formerly: ['migrate:down'],
    formerlyArgs: { 'migrate:down': ['--write'] },
  },
  {
    name: 'migrate:backup-if-risky',
    script: 'migrate-backup-if-risky',
    usage: '',
    summary: 'deploy step: run `BACKUP_COMMAND` when a pending migration destroys data',
  },
  {
    name: 'backfill',
    script: 'backfill',
    exec: true,
    usage: '<job> [--batch-size N --workers N --status --dry-run] | --pending | --list',
    summary: 'a data migration in small, resumable batches, on one process or N workers',
  },
  {
    name: 'backfill:worker',
    script: 'backfill-worker',
    exec: true,
    usage: '',
    summary: 'a worker that runs queued backfill ranges until SIGTERM',
  },
  {
    name: 'kit',
    shell: 'node --liftoff-only scripts/run.mjs kit',
    usage: '<tool> …',
    summary: "the kit's own tools, below",
  },
  {
    name: 'kit init',
    script: 'init-project',
    usage: '[--name <package>]',
    summary:
      'once, on a fresh clone: the demo history squashed into a baseline, the demo jobs removed, the package renamed',
    formerly: ['init:project'],
  },
  {
    name: 'kit update',
    script: 'kit-update',
    usage: '<git ref>',
    summary:
      "take a newer kit (e.g. `kit/main`) into your project: the kit's paths replaced, package.json merged, your files untouched",
    formerly: ['kit:update'],
  },
  {
    name: 'kit ci-local',
    script: 'ci-local',
    usage: '<workflow> <job> | --check',
    summary: "run a GitHub Actions job's steps here; check every workflow with GitHub's parser",
    formerly: ['ci:local'],
  },
  {
    name: 'kit test-matrix',
    script: 'test-matrix',
    usage: '[--postgres 14,18 --node 22 --record]',
    summary: 'the fast tier on every supported PostgreSQL major and Node line, the load proofs on 14 and 18',
    formerly: ['test:matrix'],
  },
  {
    name: 'kit bench locks',
    script: 'bench-locks',
    usage: '[--rows N --runs N --only index,not-null,…]',
    summary: 'each pattern naive vs safe beside a writer',
    formerly: ['bench:locks'],
  },
  {
    name: 'kit bench backfill',
    script: 'bench-backfill',
    usage: '[--rows N --batch-size N --workers 1,2,4]',
    summary: 'the backfill runner vs one UPDATE vs the usual loop, each beside a writer',
    formerly: ['bench:backfill'],
  },
  {
    name: 'kit bench dx',
    script: 'bench-dx',
    usage: '[--runs N]',
    summary: 'medians of the everyday commands',
    formerly: ['bench:dx'],
  },
  {
    name: 'kit bench tests',
    script: 'bench-tests',
    usage: '[--project kit|walks|load]',
    summary: "where the tests' time goes",
    formerly: ['bench:tests'],
  },
  {
    name: 'kit bench seed',
    script: 'bench-seed',
    usage: '[--users N]',
    summary: 'dev seed batched vs per-row, template clone vs deploy',
    formerly: ['bench:seed'],
  },
];

/** How a person types a command: `npm run migrate:lint`, `npm run kit -- bench locks`. */
export function typed(command) {
  const [first, ...tools] = command.name.split(' ');
  return tools.length
    ? `npm run ${first} -- ${tools.join(' ')}`
    : command.name === 'test'
      ? 'npm test'
      : `npm run ${first}`;
}

/** The command an old name stands for, if it is one. */
export const renamedTo = (oldName) => COMMANDS.find((command) => command.formerly?.includes(oldName));

/** The kit's tool behind `npm run kit -- <words…>`, and the arguments after its name. */
export function kitTool(words) {
  for (const command of COMMANDS.filter((candidate) => candidate.name.startsWith('kit '))) {
    const tool = command.name.split(' ').slice(1);
    if (tool.every((word, index) => words[index] === word)) return { command, rest: words.slice(tool.length) };
  }
  return undefined;
}

/** The line package.json runs for each npm name, old names included: what the command list says. */
export function packageScripts() {
  const run = (command) =>
    `${command.exec ? 'exec ' : ''}node --liftoff-only scripts/run.mjs ${[command.script, ...(command.args ?? [])].join(' ')}`;
  const entries = COMMANDS.filter((command) => !command.name.includes(' ')).map((command) => [
    command.name,
    command.shell ?? run(command),
  ]);
  const aliases = COMMANDS.flatMap((command) =>
    (command.formerly ?? []).map((old) => [old, `node --liftoff-only scripts/run.mjs --formerly ${old}`]),
  );
  return Object.fromEntries([...entries, ...aliases]);
}

/** The command table of docs/commands.md, as markdown. */
export function commandTable() {
  const rows = COMMANDS.map((command) => {
    const usage = command.usage ? (command.name.includes(' ') ? ` ${command.usage}` : ` -- ${command.usage}`) : '';
    const formerly = command.formerly?.length
      ? ` (formerly ${command.formerly.map((old) => `\`${old}\``).join(', ')})`
      : '';
    const cell = (text) => text.replaceAll('|', '\\|');
    return `| \`${cell(typed(command) + usage)}\` | ${cell(command.summary)}${formerly} |`;
  });
  return ['| command | what it does |', '| --- | --- |', ...rows].join('\n');
}
