/**
 * The kit's lock model (src/kit/sql/statement-effects.ts), which the linter, `--fix` and
 * `migrate:plan` trust, against what PostgreSQL does: every case of the linter's corpus runs on
 * the demo schema with rows in its tables, its statements observed as `migrate:rehearse` observes
 * them (the backend's own pg_locks inside the transaction, relfilenode rewrites), and no statement
 * may take a lock stronger than the model says, or rewrite a table the model says it doesn't.
 * Each case runs in one transaction that is rolled back, so all share one database; a statement
 * PostgreSQL refuses in a transaction (CONCURRENTLY, VACUUM) is the model's alone here, and
 * rehearse.test.ts observes one by sampling. Run on every PostgreSQL major of the test matrix
 * (`npm run kit -- test-matrix`), this is the model's check against each server's locking.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectPgClient } from '#kit/db/pg-client.ts';
import { fillTables } from '#kit/rehearsal/fill-tables.ts';
import { judgeStatement } from '#kit/rehearsal/judge-statement.ts';
import { observeInOneTransaction } from '#kit/rehearsal/observe-statements.ts';
import { type CatalogFacts, readCatalogFacts } from '#kit/sql/catalog-facts.ts';
import { loadSqlParsers, type SqlParsers } from '#kit/sql/parse-statements.ts';
import { statementEffects } from '#kit/sql/statement-effects.ts';
import { refusedInTransactionBlock } from '#kit/sql/statement-shapes.ts';
import { useTestDatabase } from '../setup/test-database.ts';

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

/** Runs one corpus file in a transaction that is rolled back; what PostgreSQL did beyond the model. */
async function beyondTheModel(name: string): Promise<{ observed: number; missed: string[] }> {
  const statements = parsers
    .parseStatements(readFileSync(join(corpusDir, name), 'utf8'))
    .filter((statement) => statement.error === undefined && !refusedInTransactionBlock(statement));
  const observations = await observeInOneTransaction(
    client,
    statements.map((statement) => statement.text),
    { rollback: true },
  );
  const missed = observations.flatMap((observed, index) => {
    const statement = statements[index]!;
    return judgeStatement(
      statementEffects(statement, catalog),
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
  const missed: Record<string, string[]> = {};
  let observed = 0;
  for (const name of corpus) {
    const result = await beyondTheModel(name);
    observed += result.observed;
    if (result.missed.length > 0) missed[name] = result.missed;
  }
  expect(missed).toEqual({});
  // Most cases run on the demo schema (a few name tables it lacks and stop at their first statement).
  expect(observed).toBeGreaterThan(corpus.length / 2);
});
