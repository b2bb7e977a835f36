/**
 * The kit's lock model (src/kit/sql/statement-effects.ts), which the linter, `--fix` and
 * `migrate:plan` trust, against what PostgreSQL does: every case of the linter's corpus runs on
 * the demo schema with rows in its tables, its statements observed as `migrate:rehearse` observes
 * them (the backend's own pg_locks inside the transaction, relfilenode rewrites), and no statement
 * may take a lock stronger than the model says, or rewrite a table the model says it doesn't.
 * Each case runs as Prisma's native engine would send its file: a file it splits, with more than
 * one statement that touches a table, has each statement committed on its own, on a database of
 * the case's own (cloned from one with rows), so that no statement's locks hide behind a lock an
 * earlier one took; the rest run in one transaction, rolled back, which is the same for them. A statement PostgreSQL refuses in a transaction (CONCURRENTLY,
 * VACUUM) is the model's alone here, and rehearse.test.ts observes one by sampling. Run on every PostgreSQL major of the test matrix
 * (`npm run kit -- test-matrix`), this is the model's check against each server's locking. Every
 * `migrate:new` pattern is held to the same check, its folders run in order in one transaction.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type pg from 'pg';
import { databaseName, withDatabase } from '#kit/db/connection-url.ts';
import { connectPgClient, withPgClient } from '#kit/db/pg-client.ts';
import { cloneDatabase, dropDatabase } from '#kit/db/scratch-databases.ts';
import { type ScaffoldRequest, scaffoldMigration } from '#kit/migration-scaffold/scaffold-migration.ts';
import { PATTERNS } from '#kit/migration-scaffold/templates.ts';
import { migrationFolders, migrationSql } from '#kit/migrations/migration-folders.ts';
import { fillTables } from '#kit/rehearsal/fill-tables.ts';
import { judgeStatement } from '#kit/rehearsal/judge-statement.ts';
import { type ObservedStatement, observeInOneTransaction } from '#kit/rehearsal/observe-statements.ts';
import { type CatalogFacts, readCatalogFacts } from '#kit/sql/catalog-facts.ts';
import { loadSqlParsers, type SqlParsers } from '#kit/sql/parse-statements.ts';
import { statementEffects } from '#kit/sql/statement-effects.ts';
import { refusedInTransactionBlock } from '#kit/sql/statement-shapes.ts';
import { cloneDemoDatabase, useTestDatabase } from '../setup/test-database.ts';

const corpusDir = join(import.meta.dirname, '..', 'migration-lint', 'corpus');
const corpus = readdirSync(corpusDir)
  .filter((name) => name.endsWith('.sql'))
  .sort();

const t = useTestDatabase({ demo: true });
let parsers: SqlParsers;
let catalog: CatalogFacts;
let client: Awaited<ReturnType<typeof connectPgClient>>;

beforeAll(async () => {
  parsers = await loadSqlParsers();
  client = await connectPgClient(t.url);
  // A few rows, so that a rewrite has data to copy and a scan has rows to read.
  await fillTables(client, ['users', 'posts'], () => 50);
  catalog = await readCatalogFacts(client);
});
afterAll(async () => {
  await client?.end();
});

/**
 * Runs SQL and says what PostgreSQL did beyond the model: by default in one transaction that is
 * rolled back; `oneByOne` commits each statement on its own, as the native engine runs a split
 * file, so that no statement's locks hide behind a lock an earlier one took.
 */
async function beyondTheModel(
  sql: string,
  on: { client: pg.ClientBase; catalog: CatalogFacts; oneByOne?: boolean } = { client, catalog },
): Promise<{ observed: number; missed: string[] }> {
  const statements = parsers
    .parseStatements(sql)
    .filter((statement) => statement.error === undefined && !refusedInTransactionBlock(statement));
  const texts = statements.map((statement) => statement.text);
  const observations: ObservedStatement[] = [];
  if (!on.oneByOne) observations.push(...(await observeInOneTransaction(on.client, texts, { rollback: true })));
  else for (const text of texts) observations.push(...(await observeInOneTransaction(on.client, [text])));
  const missed = observations.flatMap((observed, index) => {
    const statement = statements[index]!;
    return judgeStatement(
      statementEffects(statement, on.catalog),
      observed,
      { writes: 0, longestMs: 0, p99Ms: 0, failures: [] },
      { rows: () => 0, maxRows: Number.POSITIVE_INFINITY },
    )
      .filter((finding) => finding.kind === 'model-missed')
      .map((finding) => `line ${statement.line}: ${finding.message}`);
  });
  return { observed: observations.filter((observed) => observed.tables.length > 0).length, missed };
}

it('no corpus statement takes a lock or rewrite the lock model did not predict', async () => {
  // The rows every split case's own database is cloned from (a template must have no session).
  const withRows = await cloneDemoDatabase();
  await withPgClient(withRows, (own) => fillTables(own, ['users', 'posts'], () => 50));
  const missed: Record<string, string[]> = {};
  let observed = 0;
  /** Cases committed statement by statement. */
  let split = 0;
  try {
    for (const name of corpus) {
      const sql = readFileSync(join(corpusDir, name), 'utf8');
      let result: Awaited<ReturnType<typeof beyondTheModel>>;
      const touching = parsers.parseStatements(sql).filter((statement) => statementEffects(statement).length > 0);
      if (parsers.planScript(sql).mode === 'whole' || touching.length < 2) result = await beyondTheModel(sql);
      else {
        split += 1;
        const url = await cloneDatabase(
          withDatabase(withRows, 'postgres'),
          databaseName(withRows),
          `${databaseName(withRows)}_case`,
        );
        const own = await connectPgClient(url);
        try {
          result = await beyondTheModel(sql, { client: own, catalog, oneByOne: true });
        } finally {
          await own.end();
          await dropDatabase(url);
        }
      }
      observed += result.observed;
      if (result.missed.length > 0) missed[name] = result.missed;
    }
  } finally {
    await dropDatabase(withRows);
  }
  expect(missed).toEqual({});
  // Most cases run on the demo schema (a few name tables it lacks and stop at their first statement).
  expect(observed).toBeGreaterThan(corpus.length / 2);
  // Both ways are exercised.
  expect(split).toBeGreaterThan(0);
  expect(split).toBeLessThan(corpus.length);
});

it('no statement of a migrate:new pattern takes a lock or rewrite the lock model did not predict', async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'patterns-vs-model-'));
  try {
    const migrationsDir = join(scratch, 'migrations');
    const backfillsDir = join(scratch, 'backfills');
    mkdirSync(migrationsDir);
    mkdirSync(backfillsDir);
    writeFileSync(join(backfillsDir, 'index.ts'), 'export const backfillJobs = [];\n');
    // Every pattern, in an order in which each one's table and column exist (as migration-new.test.ts deploys them).
    const steps: Array<[string, ScaffoldRequest['args']]> = [
      ['concurrent-index', { table: 'posts', columns: ['title'] }],
      ['add-column', { table: 'users', column: 'nickname', type: 'text', default: "'none'" }],
      ['not-null', { table: 'users', column: 'nickname' }],
      ['rename-expand', { table: 'posts', column: 'title', to: 'headline', type: 'text' }],
      ['rename-contract', { table: 'posts', column: 'title', to: 'headline' }],
      ['drop', { table: 'users', column: 'nickname' }],
    ];
    const patterns = new Set<string>();
    const sql: string[] = [];
    steps.forEach(([pattern, args], index) => {
      const before = new Set(migrationFolders(migrationsDir));
      scaffoldMigration({
        pattern,
        name: `step_${index}`,
        args,
        migrationsDir,
        backfillsDir,
        now: new Date(Date.UTC(2999, 0, 1, 0, 0, index)),
      });
      patterns.add(pattern);
      for (const folder of migrationFolders(migrationsDir).filter((name) => !before.has(name)))
        sql.push(migrationSql(folder, migrationsDir));
      // The backfill the NOT NULL pattern's guard waits for.
      if (pattern === 'add-column') sql.push(`UPDATE "users" SET "nickname" = 'none' WHERE "nickname" IS NULL;`);
    });
    expect([...patterns].sort()).toEqual(Object.keys(PATTERNS).sort());
    // Committed one statement at a time on a database of its own, as the native engine runs these files.
    const url = await cloneDemoDatabase();
    const own = await connectPgClient(url);
    try {
      await fillTables(own, ['users', 'posts'], () => 50);
      const { observed, missed } = await beyondTheModel(sql.join('\n'), {
        client: own,
        catalog: await readCatalogFacts(own),
        oneByOne: true,
      });
      expect(missed).toEqual([]);
      // Each pattern's statements on existing tables: index, column, check, validate, not null, …
      expect(observed).toBeGreaterThan(steps.length);
    } finally {
      await own.end();
      await dropDatabase(url);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
