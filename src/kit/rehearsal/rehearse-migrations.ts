/**
 * `npm run migrate:rehearse`: runs the pending migrations on a database of production size while
 * the app writes and reads beside them, and judges each statement by what PostgreSQL did
 * (observe-statements.ts, judge-statement.ts) rather than by what its text says.
 *
 * The database is either a clone of production the team points at (`target`: a Neon or Supabase
 * branch, an RDS clone, a restored backup), where the migrations pending there run as they are;
 * or a scratch database on the kit's server: the migrations before the rehearsed ones applied,
 * then each table the rehearsed ones touch filled with generated rows (fill-tables.ts). Either
 * way each file runs as Prisma's native engine sends it (split, or whole as one transaction).
 * A guard that waits for one of the team's backfill jobs gets it run, then its file again
 * (rehearse-backfill.ts), so the steps after a backfill are rehearsed too.
 */
import type pg from 'pg';
import type { BackfillJob } from '../backfill/job.ts';
import { withDatabase } from '../db/connection-url.ts';
import { connectPgClient, withPgClient } from '../db/pg-client.ts';
import { dropDatabase } from '../db/scratch-databases.ts';
import { migrationSql } from '../migrations/migration-folders.ts';
import { tableSize } from '../migration-plan/plan-migrations.ts';
import { readCatalogFacts } from '../sql/catalog-facts.ts';
import { describePlan, runScriptLikeNativeEngine } from '../sql/native-script-plan.ts';
import { loadSqlParsers, type ParsedStatement, type SqlParsers } from '../sql/parse-statements.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';
import { oneLineSql } from '../sql/split-statements.ts';
import { statementEffects, type TableEffect } from '../sql/statement-effects.ts';
import { refusedInTransactionBlock } from '../sql/statement-shapes.ts';
import { type AppTraffic, startAppTraffic } from './app-traffic.ts';
import { type FilledTable, fillTables } from './fill-tables.ts';
import { type JudgeContext, judgeStatement, type RehearsalFinding, type WritesDuring } from './judge-statement.ts';
import { watchBackend } from './backend-watch.ts';
import { backfillTheGuardNames, type RehearsedBackfill, rehearseBackfill } from './rehearse-backfill.ts';
import { observeAlone, observeInOneTransaction, type ObservedStatement } from './observe-statements.ts';
import { type WriterStats, writerStats, writesByWindow } from './write-latency.ts';

export type RehearsalDatabase = { kind: 'scratch'; serverUrl: string } | { kind: 'target'; url: string };

export interface RehearsalOptions {
  migrationsDir: string;
  /** Every migration folder, oldest first. */
  all: string[];
  /** The ones to rehearse, oldest first; on a scratch database every other one is applied first. */
  selected: string[];
  database: RehearsalDatabase;
  /** The rows a touched table is filled to (scratch only). */
  rowsFor: (table: string) => number;
  /** Where those counts came from when not from --rows, for the report. */
  rowsSource?: string;
  /** The policy's row limit: a table over it counts as production size. */
  maxRows: number;
  /** How long the long reader keeps each transaction open; 0 runs no reader. */
  readerHoldMs: number;
  writerBudgetMs?: number;
  /**
   * The team's backfill jobs (kit.config.ts), loaded only when a guard waits for one: that job
   * runs, then its file again.
   */
  backfillJobs?: () => Promise<BackfillJob[]>;
  /** Progress lines for a person. */
  log: (line: string) => void;
  /** Told the scratch database's URL as soon as it exists, so that an interrupted command can drop it. */
  onScratchDatabase?: (url: string) => void;
}

export interface RehearsedStatement {
  line: number;
  sql: string;
  predicted: TableEffect[];
  observed: ObservedStatement;
  writes: WritesDuring;
  findings: RehearsalFinding[];
}

export interface RehearsedMigration {
  name: string;
  /** How the native engine sends the file (split or whole). */
  native: string;
  statements: RehearsedStatement[];
}

/** A backfill a guard waited for, with what the app's writes felt while it ran. */
export type BackfillBesideTheApp = RehearsedBackfill & { writes: WritesDuring };

export interface Rehearsal {
  /** Where it ran, for the report: `scratch database on <host>` or `--target <host>/<db>`. */
  where: string;
  /** Each table touched, with its rows (generated or already there). */
  tables: FilledTable[];
  /** Where the generated tables' sizes came from when not from --rows. */
  rowsSource?: string;
  migrations: RehearsedMigration[];
  /** The backfills guards waited for, run between a stopped file and its second run. */
  backfills: BackfillBesideTheApp[];
  /** Migrations after one that failed or stopped: not rehearsed. */
  notRehearsed: string[];
  writer: WriterStats;
  readerHoldMs: number;
  problems: number;
  seconds: { prepare: number; migrations: number };
}

const SCRATCH_PREFIX = 'kit_rehearse_';
/** The app writes this long before the first statement, so its first writes aren't measured cold. */
const WARM_UP_MS = 300;

/**
 * A statement that failed (or a guard that stopped, and no backfill let its file through on the
 * second run) ends the rehearsal, as it ends a deploy.
 */
const stopped = (files: Array<{ observations: Observation[] }>) =>
  files.at(-1)?.observations.some(({ observed }) => observed.error) ?? false;

/** The tables the rehearsed statements name that exist before them (created ones are empty). */
function touchedTables(parsed: ParsedStatement[][]): string[] {
  const created = new Set<string>();
  const touched: string[] = [];
  for (const effect of parsed.flat().flatMap((statement) => statementEffects(statement))) {
    if (effect.work === 'new table') created.add(effect.table);
    else if (!created.has(effect.table) && !touched.includes(effect.table)) touched.push(effect.table);
  }
  return touched;
}

/** The touched tables that exist, as PostgreSQL prints their names. */
async function existingTables(client: pg.ClientBase, names: string[]): Promise<string[]> {
  const { rows } = await client.query<{ table: string | null }>(
    `SELECT to_regclass(name)::text AS table FROM unnest($1::text[]) AS name`,
    [names.map((name) => name.split('.').map(quoteIdentifier).join('.'))],
  );
  return [...new Set(rows.flatMap((row) => (row.table ? [row.table] : [])))];
}

/** What the writes given to each window felt, and the failures inside it. */
function writesIn(traffic: AppTraffic, windows: Array<[number, number]>): WritesDuring[] {
  return writesByWindow(traffic.samples, windows).map((samples, index) => {
    const stats = writerStats(samples, []);
    const [from, to] = windows[index]!;
    return {
      writes: stats.writes,
      longestMs: stats.maxMs,
      p99Ms: stats.p99Ms,
      failures: traffic.failures.filter(([at]) => at >= from && at <= to).map(([, message]) => message),
    };
  });
}

async function prepareScratch(
  serverUrl: string,
  options: RehearsalOptions,
  parsed: ParsedStatement[][],
): Promise<{ url: string; tables: FilledTable[] }> {
  const name = `${SCRATCH_PREFIX}${process.pid}`;
  const admin = withDatabase(serverUrl, 'postgres');
  await withPgClient(admin, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)}`);
    await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
  });
  const url = withDatabase(serverUrl, name);
  options.onScratchDatabase?.(url);
  const before = options.all.filter((migration) => !options.selected.includes(migration));
  options.log(`applying the ${before.length} migration(s) before the rehearsed ones…`);
  try {
    const tables = await withPgClient(url, async (client) => {
      for (const migration of before)
        await runScriptLikeNativeEngine(client, migrationSql(migration, options.migrationsDir));
      const touched = await existingTables(client, touchedTables(parsed));
      return fillTables(client, touched, options.rowsFor);
    });
    return { url, tables };
  } catch (error) {
    await dropDatabase(url);
    throw error;
  }
}

async function measureTarget(url: string, parsed: ParsedStatement[][]): Promise<FilledTable[]> {
  return withPgClient(url, async (client) => {
    const tables: FilledTable[] = [];
    for (const table of await existingTables(client, touchedTables(parsed))) {
      tables.push({ table, rows: (await tableSize(client, table))?.rows ?? 0, generated: false });
    }
    return tables;
  });
}

/** A statement's observation and when it ran (ms since t0), until the writes can be judged. */
interface Observation {
  /** Its index among the file's statements. */
  index: number;
  /** What the kit's lock model says it does, with the catalog as it was before the file ran. */
  predicted: TableEffect[];
  observed: ObservedStatement;
  window: [number, number];
}

/**
 * Runs one file as the native engine sends it, observing each statement. A statement's window
 * ends when its transaction has committed: writes wait on its locks until then.
 */
async function observeFile(
  parsers: SqlParsers,
  sql: string,
  connections: { migration: pg.Client; observer: pg.Client; pid: number },
  now: () => number,
): Promise<Observation[]> {
  const plan = parsers.planScript(sql);
  const parsed = parsers.parseStatements(sql);
  const catalog = await readCatalogFacts(connections.migration);
  const predicted = (index: number) => {
    const statement = parsed[index];
    return statement && statement.error === undefined ? statementEffects(statement, catalog) : [];
  };
  const observations: Observation[] = [];
  const watch = watchBackend(connections.observer, connections.pid, now);
  try {
    if (plan.mode === 'whole') {
      let from = now();
      await observeInOneTransaction(
        connections.migration,
        plan.statements.map((statement) => statement.text),
        {
          onStart: () => {
            from = now();
          },
          onEnd: (index, observed) =>
            observations.push({ index, predicted: predicted(index), observed, window: [from, now()] }),
        },
      );
      const last = observations.at(-1);
      if (last) last.window[1] = now();
    } else {
      for (const [index, statement] of plan.statements.entries()) {
        const shape = parsed[index];
        const from = now();
        const [observed] =
          shape && refusedInTransactionBlock(shape)
            ? [
                await observeAlone(connections.migration, statement.text, async (run) => {
                  const started = now();
                  await run();
                  return watch.locksDuring([started, now()]);
                }),
              ]
            : ((await observeInOneTransaction(connections.migration, [statement.text])) as [ObservedStatement]);
        observations.push({ index, predicted: predicted(index), observed, window: [from, now()] });
        if (observed.error) break;
      }
    }
  } finally {
    await watch.stop();
  }
  for (const { observed, window } of observations) observed.lockWaitMs = watch.lockWaitMsDuring(window);
  return observations;
}

type ObservedFile = { fileIndex: number; observations: Observation[] };

const windowsOf = (observed: ObservedFile[]) =>
  observed.flatMap(({ observations }) => observations.map(({ window }) => window));

/** Each observed statement with its writes (in `windowsOf` order) and its verdict. */
function judgeObservations(
  observed: ObservedFile[],
  files: Array<{ name: string; native: string }>,
  parsed: ParsedStatement[][],
  writes: WritesDuring[],
  context: JudgeContext,
): RehearsedMigration[] {
  let window = 0;
  return observed.map(({ fileIndex, observations }) => ({
    name: files[fileIndex]!.name,
    native: files[fileIndex]!.native,
    statements: observations.map(({ index, predicted, observed: statementObserved }) => {
      const statement = parsed[fileIndex]![index]!;
      const during = writes[window++]!;
      return {
        line: statement.line,
        sql: oneLineSql(statement.text),
        predicted,
        observed: statementObserved,
        writes: during,
        findings: judgeStatement(predicted, statementObserved, during, context),
      };
    }),
  }));
}

interface FilesRun {
  observed: ObservedFile[];
  backfills: RehearsedBackfill[];
  notRehearsed: string[];
}

/**
 * Runs the files one after another on one connection, as a deploy does, until one stops; a file
 * whose guard waits for one of the team's backfill jobs gets the job, then runs again.
 */
async function runFiles(
  parsers: SqlParsers,
  files: Array<{ name: string; sql: string }>,
  url: string,
  options: RehearsalOptions,
  now: () => number,
): Promise<FilesRun> {
  const run: FilesRun = { observed: [], backfills: [], notRehearsed: [] };
  const migration = await connectPgClient(url);
  const observer = await connectPgClient(url);
  try {
    const pid = (await migration.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const observe = (sql: string) => observeFile(parsers, sql, { migration, observer, pid }, now);
    for (const [fileIndex, file] of files.entries()) {
      if (stopped(run.observed)) {
        run.notRehearsed.push(file.name);
        continue;
      }
      options.log(`${file.name}…`);
      const observations = await observe(file.sql);
      run.observed.push({ fileIndex, observations });
      const named = backfillTheGuardNames(observations.map((observation) => observation.observed));
      const job = named === undefined ? undefined : (await options.backfillJobs?.())?.find((j) => j.name === named);
      if (!job) continue;
      options.log(`${file.name}: its guard waits for the backfill ${job.name}; running it…`);
      const backfill = await rehearseBackfill(url, job, file.name, now);
      run.backfills.push(backfill);
      if (backfill.error) continue;
      options.log(`${file.name} again…`);
      run.observed.push({ fileIndex, observations: await observe(file.sql) });
    }
    return run;
  } finally {
    await Promise.all([migration.end(), observer.end()]);
  }
}

export async function rehearseMigrations(options: RehearsalOptions): Promise<Rehearsal> {
  const parsers = await loadSqlParsers();
  const files = options.selected.map((name) => {
    const sql = migrationSql(name, options.migrationsDir);
    return { name, sql, native: describePlan(parsers.planScript(sql)) };
  });
  const parsed = files.map((file) => parsers.parseStatements(file.sql));
  const started = performance.now();
  const { database } = options;
  const prepared =
    database.kind === 'scratch'
      ? await prepareScratch(database.serverUrl, options, parsed)
      : { url: database.url, tables: await measureTarget(database.url, parsed) };
  const where =
    database.kind === 'scratch'
      ? `a scratch database on ${new URL(database.serverUrl).host}`
      : `--target ${new URL(database.url).host}${new URL(database.url).pathname}`;
  try {
    const rows = new Map(prepared.tables.map((table) => [table.table, table.rows]));
    const prepareSeconds = (performance.now() - started) / 1000;
    const t0 = performance.now();
    const traffic = await startAppTraffic(
      prepared.url,
      prepared.tables.map((table) => table.table),
      { readerHoldMs: options.readerHoldMs, t0 },
    );
    let run: FilesRun;
    let writer: WriterStats;
    try {
      await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
      run = await runFiles(parsers, files, prepared.url, options, () => performance.now() - t0);
    } finally {
      // Judged once the writer has stopped: a write a statement's lock held up ends (and is
      // recorded) only after that statement's transaction commits.
      writer = await traffic.stop();
    }
    const { observed, backfills, notRehearsed } = run;
    const statementWindows = windowsOf(observed);
    const writes = writesIn(traffic, [...statementWindows, ...backfills.map((backfill) => backfill.window)]);
    const migrations = judgeObservations(observed, files, parsed, writes.slice(0, statementWindows.length), {
      rows: (table) => rows.get(table),
      maxRows: options.maxRows,
      writerBudgetMs: options.writerBudgetMs,
    });
    const problems = migrations
      .flatMap((migration) => migration.statements.flatMap((statement) => statement.findings))
      .filter((finding) => finding.problem).length;
    return {
      where,
      tables: prepared.tables,
      rowsSource: database.kind === 'scratch' ? options.rowsSource : undefined,
      migrations,
      backfills: backfills.map((backfill, index) => ({
        ...backfill,
        writes: writes[statementWindows.length + index]!,
      })),
      notRehearsed,
      writer,
      readerHoldMs: options.readerHoldMs,
      problems,
      seconds: { prepare: prepareSeconds, migrations: (performance.now() - t0) / 1000 },
    };
  } finally {
    if (database.kind === 'scratch') await dropDatabase(prepared.url);
  }
}
