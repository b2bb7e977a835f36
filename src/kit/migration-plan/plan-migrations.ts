/**
 * `npm run migrate:plan`: for the migrations pending on a database, what each statement will lock,
 * on which tables, how big those tables are, and whether the lock waits on work that grows with
 * them. Read-only: it reads `_prisma_migrations` and the catalog, and runs nothing of the
 * migrations. A write-blocking statement with work that grows with its table, on a table over
 * `maxRows`, is a problem, and so are rows that would make a statement fail (data-probes.ts);
 * the command exits non-zero on any.
 */
import { relative } from 'node:path';
import type pg from 'pg';
import { withPgClient } from '../db/pg-client.ts';
import type { Finding } from '../migration-lint/finding.ts';
import { collectFacts, noHistoryFacts } from '../migration-lint/history-facts.ts';
import { lintMigrationFiles } from '../migration-lint/lint-migration-file.ts';
import { runSquawk } from '../migration-lint/run-squawk.ts';
import { dataProbes, type PendingConstraints, type ProbeResult, type ProbeSettings, runProbes } from './data-probes.ts';
import { migrationFolders, migrationSql } from '../migrations/migration-folders.ts';
import { readMigrationHistory } from '../migrations/migration-history.ts';
import { NO_CATALOG, readCatalogFacts } from '../sql/catalog-facts.ts';
import { describePlan } from '../sql/native-script-plan.ts';
import { loadSqlParsers } from '../sql/parse-statements.ts';
import { oneLineSql } from '../sql/split-statements.ts';
import { blocksWrites, growsWithTable, statementEffects, type TableEffect } from '../sql/statement-effects.ts';
import { quoteQualifiedName } from '../sql/quote-identifier.ts';
import { DEFAULT_POLICY } from '../kit-config.ts';

export interface TableSize {
  /** Estimated as the planner does (reltuples per page × current pages); counted when the statistics say too little. */
  rows: number;
  bytes: number;
}

export interface PlannedEffect extends TableEffect {
  /** undefined: the table doesn't exist yet (created by an earlier pending statement, or missing). */
  size?: TableSize;
  problem: boolean;
}

export interface PlannedStatement {
  line: number;
  sql: string;
  effects: PlannedEffect[];
}

export interface PlannedMigration {
  name: string;
  /** How Prisma's native engine will run the file. */
  native: string;
  statements: PlannedStatement[];
  findings: Finding[];
  /** What the data probes found (none without a database to read). */
  probes: ProbeResult[];
  /** PostgreSQL's parser refused a statement: the migration will fail there. */
  parseError?: { line: number; message: string };
}

export interface MigrationPlan {
  pending: PlannedMigration[];
  maxRows: number;
  problems: number;
}

export interface PlanOptions {
  url: string;
  migrationsDir: string;
  /** The report names files relative to this folder: the project root. */
  root: string;
  maxRows: number;
  /** The data probes' bounds (data-probes.ts); by default DEFAULT_POLICY's (kit-config.ts). */
  probes?: ProbeSettings;
}

const DEFAULT_PROBE_SETTINGS: ProbeSettings = {
  timeoutMs: DEFAULT_POLICY.probeTimeoutSeconds * 1000,
  sampleAbove: DEFAULT_POLICY.probeSampleAbove,
};

/** The size of a named table (an index stands for its table), undefined when it doesn't exist. */
export async function tableSize(client: pg.Client, name: string): Promise<TableSize | undefined> {
  const found = await client.query<{ table: string; rows: number; pages: number; currentPages: number; bytes: string }>(
    `SELECT t.oid::regclass::text AS table, t.reltuples::float8 AS rows, t.relpages::float8 AS pages,
            pg_relation_size(t.oid) / current_setting('block_size')::float8 AS "currentPages",
            pg_total_relation_size(t.oid) AS bytes
       FROM pg_class c
       LEFT JOIN pg_index i ON i.indexrelid = c.oid
       JOIN pg_class t ON t.oid = coalesce(i.indrelid, c.oid)
      WHERE c.oid = to_regclass($1)`,
    [quoteQualifiedName(name)],
  );
  const row = found.rows[0];
  if (!row) return undefined;
  // The last statistics' rows per page, times the pages the table has now, as the planner
  // scales them: reltuples alone is as old as the last ANALYZE. Statistics taken on a table of a
  // few pages (60 rows, then a bulk load of 200,000) say too little about its rows per page, so
  // such a table, like one never analyzed, is counted while that is cheap, else called
  // unknown-but-big.
  const sampledFew = row.pages < 10 && row.currentPages > row.pages;
  let rows = row.rows >= 0 && row.pages > 0 ? (row.rows / row.pages) * row.currentPages : row.rows;
  if (row.rows < 0 || sampledFew) {
    rows =
      Number(row.bytes) < 64 * 1024 * 1024
        ? Number((await client.query(`SELECT count(*) AS n FROM ${row.table}`)).rows[0].n)
        : Number.POSITIVE_INFINITY;
  }
  return { rows: Math.round(rows), bytes: Number(row.bytes) };
}

/** True when a validated CHECK (column IS NOT NULL) lets SET NOT NULL skip its scan. */
async function hasValidatedNotNullCheck(client: pg.Client, table: string, column: string): Promise<boolean> {
  const result = await client.query(
    `SELECT 1 FROM pg_constraint
      WHERE conrelid = to_regclass($1) AND contype = 'c' AND convalidated
        AND pg_get_constraintdef(oid) = 'CHECK ((' || quote_ident($2) || ' IS NOT NULL))'`,
    [quoteQualifiedName(table), column],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function planPendingMigrations(options: PlanOptions): Promise<MigrationPlan> {
  const parsers = await loadSqlParsers();
  const applied = await readMigrationHistory(options.url, options.migrationsDir);
  const fileOf = (name: string) => relative(options.root, `${options.migrationsDir}/${name}/migration.sql`);
  const squawk = runSquawk(applied.pending.map(fileOf));
  const history = noHistoryFacts();
  for (const name of migrationFolders(options.migrationsDir)) {
    if (!applied.pending.includes(name))
      collectFacts(parsers.parseStatements(migrationSql(name, options.migrationsDir)), history);
  }

  // A database Migrate hasn't created yet (a fresh CI service) has no tables to measure.
  const withCatalog = <T>(work: (client: pg.Client | undefined) => Promise<T>) =>
    withPgClient(options.url, work).catch((error: { code?: string }) => {
      if (error.code === '3D000') return work(undefined);
      throw error;
    });
  return withCatalog(async (client) => {
    const sizes = new Map<string, TableSize | undefined>();
    const sizeOf = async (table: string) => {
      if (!sizes.has(table)) sizes.set(table, client && (await tableSize(client, table)));
      return sizes.get(table);
    };
    let problems = 0;
    const catalog = client ? await readCatalogFacts(client) : NO_CATALOG;
    const pending: PlannedMigration[] = [];
    // What the pending statements establish as the plan walks them, in deploy order.
    const pendingFacts = noHistoryFacts();
    // Constraints a pending statement adds NOT VALID, for the VALIDATE a later one runs.
    const pendingConstraints: PendingConstraints = new Map();
    const findings = await lintMigrationFiles(
      applied.pending.map((name) => ({
        file: fileOf(name),
        sql: migrationSql(name, options.migrationsDir),
        lint: true,
      })),
      squawk,
      history,
    );
    for (const name of applied.pending) {
      const sql = migrationSql(name, options.migrationsDir);
      const file = fileOf(name);
      const migration: PlannedMigration = {
        name,
        native: describePlan(parsers.planScript(sql)),
        statements: [],
        findings: findings.filter((finding) => finding.file === file),
        probes: [],
      };
      const parsed = parsers.parseStatements(sql);
      for (const statement of parsed) {
        if (statement.error !== undefined) {
          migration.parseError = { line: statement.line, message: statement.error };
          problems += 1;
          break;
        }
        const effects: PlannedEffect[] = [];
        for (const effect of statementEffects(statement, catalog)) {
          const size = effect.work === 'new table' ? undefined : await sizeOf(effect.table);
          if (effect.work === 'new table') sizes.set(effect.table, undefined);
          // SET NOT NULL skips its scan behind a validated NOT NULL check: one the database has,
          // or one an earlier pending statement validates (the phased pattern in one deploy).
          const checked =
            effect.notNullColumn !== undefined &&
            (pendingFacts.validatedNotNull.has(`${effect.table}.${effect.notNullColumn}`) ||
              (client !== undefined && (await hasValidatedNotNullCheck(client, effect.table, effect.notNullColumn))));
          const work = checked ? 'catalog' : effect.work;
          const problem =
            blocksWrites(effect) && growsWithTable({ ...effect, work }) && (size?.rows ?? 0) > options.maxRows;
          if (problem) problems += 1;
          effects.push({ ...effect, work, size, problem });
        }
        collectFacts([statement], pendingFacts);
        migration.statements.push({ line: statement.line, sql: oneLineSql(statement.text), effects });
      }
      if (client && !migration.parseError) {
        migration.probes = await runProbes(
          client,
          dataProbes(parsers, parsed, pendingConstraints),
          options.probes ?? DEFAULT_PROBE_SETTINGS,
        );
        problems += migration.probes.filter(({ probe, rows }) => probe.blocking && (rows ?? 0) > 0).length;
      }
      pending.push(migration);
    }
    return { pending, maxRows: options.maxRows, problems };
  });
}
