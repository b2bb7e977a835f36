/**
 * `npm run migrate:rehearse -- [--target <url>] [--all | --from <migration>] [--base <ref>]
 *   [--rows N[,table=N…]] [--rows-from <url>] [--max-rows N] [--reader-hold-ms N] [--json] [--migrations <dir>]`
 * Runs the migrations this branch adds (as migrate:lint picks them; every one with --all, or
 * from one on with --from) on a database of production size beside a writer and a long reader,
 * and fails on what PostgreSQL really did: a write-blocking lock held over a scan or rewrite of a
 * big table, a lock the kit's model did not predict, a failed statement, failed app writes
 * (src/kit/rehearsal/rehearse-migrations.ts). With --target it runs the migrations pending on
 * that database, a clone of production; without, on a scratch database of the kit's server with
 * generated rows, as many per table as --rows says, or as the planner statistics of --rows-from (a
 * read-only catalog query, fine against production) say. A guard that stops for one of the
 * team's backfill jobs gets that job run, then its file again. Prints Markdown (also to
 * $GITHUB_STEP_SUMMARY) or --json.
 */
import { appendFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { KitError } from '#kit/kit-error.ts';
import { databaseName, parseDatabaseUrl } from '#kit/db/connection-url.ts';
import { configuredDatabaseUrl, ensureDatabase } from '#kit/db/database-url.ts';
import { assertDevelopmentServer, serverId } from '#kit/db/development-server.ts';
import { dropDatabase } from '#kit/db/scratch-databases.ts';
import { environment } from '#kit/environment.ts';
import { loadBackfillJobs, resolvePolicy } from '#kit/kit-config.ts';
import { selectMigrations } from '#kit/migration-lint/select-migrations.ts';
import { migrationFolders } from '#kit/migrations/migration-folders.ts';
import { readMigrationHistory } from '#kit/migrations/migration-history.ts';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { parseCount } from '#kit/parse-count.ts';
import { formatRehearsal, rehearsalJson } from '#kit/rehearsal/format-rehearsal.ts';
import { readRowEstimates } from '#kit/rehearsal/row-estimates.ts';
import { type RehearsalDatabase, rehearseMigrations } from '#kit/rehearsal/rehearse-migrations.ts';
import { runCli } from '#kit/run-cli.ts';
import kitConfig from '../kit.config.ts';

const USAGE =
  'Usage: npm run migrate:rehearse -- [--target <url>] [--all | --from <migration>] [--base <git ref>] [--rows N[,table=N…]] [--rows-from <url>] [--max-rows N] [--reader-hold-ms N] [--json] [--migrations <dir>]';

/**
 * `1000000`, `posts=5000000`, or both: `200000,posts=5000000`. A table named here gets that; else
 * its estimate from --rows-from, if it has one; else the count for all.
 */
function parseRows(raw: string, fallback: number, estimates = new Map<string, number>()): (table: string) => number {
  let all = fallback;
  const byTable = new Map<string, number>();
  for (const part of raw.split(',').map((piece) => piece.trim())) {
    const [table, count] = part.includes('=') ? part.split('=') : [undefined, part];
    const rows = parseCount(`--rows ${part}`, count, 1);
    if (table) byTable.set(table.trim(), rows);
    else all = rows;
  }
  // A table is named as PostgreSQL prints it (`posts`, `"User"`, `audit.events`) or bare.
  const named = (table: string) => byTable.get(table) ?? byTable.get(table.replace(/"/g, ''));
  return (table) => named(table) ?? estimates.get(table) ?? all;
}

/** The folders to rehearse, oldest first. */
function selection(
  values: { all: boolean; from?: string; base?: string },
  dir: string,
  custom: boolean,
  root: string,
): { selected: string[]; all: string[]; because: string } {
  const all = migrationFolders(dir);
  if (values.from) {
    const first = all.findIndex((name) => name === values.from || name.startsWith(values.from as string));
    if (first === -1)
      throw new KitError(
        `--from ${values.from}: no migration folder starts with that name in ${relative(root, dir) || dir}`,
      );
    return { selected: all.slice(first), all, because: `from ${all[first]}` };
  }
  if (values.all || custom) return { selected: all, all, because: 'every migration' };
  const picked = selectMigrations({ all: false, base: values.base }, { root, migrations: dir });
  return { selected: picked.selected, all, because: `new since ${picked.comparedWith}` };
}

runCli(async (argv, settings) => {
  const policy = resolvePolicy(kitConfig);
  const { values } = parseCliArgs(
    {
      args: argv,
      options: {
        target: { type: 'string' },
        all: { type: 'boolean', default: false },
        from: { type: 'string' },
        base: { type: 'string' },
        rows: { type: 'string', default: String(policy.rehearseRows) },
        'rows-from': { type: 'string' },
        'max-rows': { type: 'string', default: String(policy.planMaxRows) },
        'reader-hold-ms': { type: 'string', default: '500' },
        json: { type: 'boolean', default: false },
        migrations: { type: 'string' },
      },
    },
    USAGE,
  );
  const dir = resolve(values.migrations ?? settings.migrations);
  if (values['rows-from'] && values.target)
    throw new KitError(
      "--rows-from sizes a scratch rehearsal's tables, and --target rehearses on the clone's own rows",
      {
        fix: 'Use one of them.',
      },
    );
  const rowsFrom = values['rows-from'] && parseDatabaseUrl(values['rows-from'], '--rows-from').toString();
  const rowsFor = parseRows(values.rows, policy.rehearseRows, rowsFrom ? await readRowEstimates(rowsFrom) : undefined);
  const maxRows = parseCount('--max-rows', values['max-rows'], 0);
  const readerHoldMs = parseCount('--reader-hold-ms', values['reader-hold-ms'], 0);

  let database: RehearsalDatabase;
  let chosen: { selected: string[]; all: string[]; because: string };
  if (values.target) {
    const target = parseDatabaseUrl(values.target, '--target').toString();
    const configured = configuredDatabaseUrl();
    if (
      configured &&
      databaseName(configured) === databaseName(target) &&
      (await serverId(configured)) === (await serverId(target))
    ) {
      throw new KitError('--target is the database DATABASE_URL points at: a rehearsal writes to its target', {
        fix: 'Point it at a clone (a Neon or Supabase branch, an RDS clone, a restored backup).',
      });
    }
    database = { kind: 'target', url: target };
    const pending = (await readMigrationHistory(target, dir)).pending;
    const from = values.from ? pending.findIndex((name) => name.startsWith(values.from as string)) : 0;
    if (from === -1)
      throw new KitError(
        `--from ${values.from}: no migration pending on --target starts with that name (pending: ${pending.join(', ') || 'none'})`,
      );
    chosen = { selected: pending.slice(from), all: migrationFolders(dir), because: 'pending on --target' };
  } else {
    const server = (await ensureDatabase()).url;
    await assertDevelopmentServer(server, 'npm run migrate:rehearse', {
      production: 'Rehearse on a clone of production instead: --target <its url>.',
    });
    database = { kind: 'scratch', serverUrl: server };
    chosen = selection(values, dir, values.migrations !== undefined, settings.root);
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (chosen.selected.length === 0) {
    log(`Nothing to rehearse (${chosen.because}). --all rehearses every migration, --from <name> the ones from there.`);
    return;
  }
  log(`rehearsing ${chosen.selected.length} migration(s), ${chosen.because}…`);
  // Ctrl-C (or a cancelled CI job) must not leave a scratch database of production size behind.
  // It is this process's own, so ending its sessions ends only this rehearsal's.
  let scratch: string | undefined;
  let interrupted: Promise<never> | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = (async () => {
        if (scratch) await dropDatabase(scratch);
        log(
          `${signal}: stopped the rehearsal${scratch ? `; dropped its scratch database ${databaseName(scratch)}` : ''}.`,
        );
        process.exit(130);
      })();
    });
  }
  const rehearsal = await rehearseMigrations({
    migrationsDir: dir,
    all: chosen.all,
    selected: chosen.selected,
    database,
    rowsFor,
    rowsSource: rowsFrom
      ? `the planner statistics of ${new URL(rowsFrom).host}${new URL(rowsFrom).pathname}`
      : undefined,
    maxRows,
    readerHoldMs,
    writerBudgetMs: policy.rehearseWriterBudgetMs || undefined,
    backfillJobs: () => loadBackfillJobs(kitConfig),
    log,
    onScratchDatabase: (url) => {
      scratch = url;
    },
  }).catch((error: { code?: string }) => {
    // Interrupted: the drop above ended the rehearsal's sessions under it, and exits.
    if (interrupted) return interrupted;
    if (error.code === '42501')
      throw new KitError(
        'The role may not create the scratch database (it needs CREATEDB): grant it, or rehearse on a clone: --target <url>',
      );
    throw error;
  });
  const markdown = formatRehearsal(rehearsal);
  console.log(values.json ? rehearsalJson(rehearsal) : markdown);
  const summary = environment().GITHUB_STEP_SUMMARY;
  if (summary) appendFileSync(summary, `${markdown}\n`);
  if (rehearsal.problems > 0) process.exitCode = 1;
});
