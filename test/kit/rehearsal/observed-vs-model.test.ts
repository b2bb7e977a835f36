/**
 * The kit's lock model (src/kit/sql/statement-effects.ts), which the linter, `--fix` and
 * `migrate:plan` trust, against what PostgreSQL does: every case of the linter's corpus runs on
 * the demo schema with rows in its tables, each statement observed as `migrate:rehearse` observes
 * it (its own pg_locks inside its transaction, relfilenode rewrites), and no statement may take a
 * lock stronger than the model says, or rewrite a table the model says it doesn't. Run on every
 * PostgreSQL major of the test matrix (`npm run kit -- test-matrix`), this is the model's check
 * against each server's locking.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectPgClient, withPgClient } from '#kit/db/pg-client.ts';
import { cloneDatabase, dropDatabase } from '#kit/db/scratch-databases.ts';
import { databaseName } from '#kit/db/connection-url.ts';
import { fillTables } from '#kit/rehearsal/fill-tables.ts';
import { judgeStatement } from '#kit/rehearsal/judge-statement.ts';
import { observeFile } from '#kit/rehearsal/rehearse-migrations.ts';
import { loadSqlParsers, type SqlParsers } from '#kit/sql/parse-statements.ts';
import { cloneDemoDatabase } from '../setup/test-database.ts';

const corpusDir = join(import.meta.dirname, '..', 'migration-lint', 'corpus');
const corpus = readdirSync(corpusDir)
  .filter((name) => name.endsWith('.sql'))
  .sort();

let parsers: SqlParsers;
let base: string;

beforeAll(async () => {
  parsers = await loadSqlParsers();
  base = await cloneDemoDatabase();
  // A few rows, so that a rewrite has data to copy and a scan has rows to read.
  await withPgClient(base, (client) => fillTables(client, ['users', 'posts'], () => 50));
});
afterAll(async () => {
  if (base) await dropDatabase(base);
});

/** Runs one corpus file on a copy of the base; what PostgreSQL did beyond the model, per statement. */
async function beyondTheModel(name: string): Promise<{ observed: number; missed: string[] }> {
  const url = await cloneDatabase(base, databaseName(base), `${databaseName(base)}_${corpus.indexOf(name)}`);
  const migration = await connectPgClient(url);
  const observer = await connectPgClient(url);
  try {
    const sql = readFileSync(join(corpusDir, name), 'utf8');
    const pid = (await migration.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    const statements = parsers.parseStatements(sql);
    const observations = await observeFile(parsers, sql, { migration, observer, pid }, () => 0);
    const missed = observations.flatMap(({ index, predicted, observed }) => {
      const statement = statements[index]!;
      return judgeStatement(
        predicted,
        observed,
        { writes: 0, longestMs: 0, p99Ms: 0, failures: [] },
        { rows: () => 0, maxRows: Number.POSITIVE_INFINITY },
      )
        .filter((finding) => finding.kind === 'model-missed')
        .map((finding) => `line ${statement.line}: ${finding.message}`);
    });
    return { observed: observations.filter(({ observed }) => observed.tables.length > 0).length, missed };
  } finally {
    await Promise.all([migration.end(), observer.end()]);
    await dropDatabase(url);
  }
}

it('no corpus statement takes a lock or rewrite the lock model did not predict', async () => {
  const missed: Record<string, string[]> = {};
  let observed = 0;
  // Three cases at a time: each waits mostly on PostgreSQL creating and dropping its database.
  for (let from = 0; from < corpus.length; from += 3) {
    const batch = corpus.slice(from, from + 3);
    for (const [index, result] of (await Promise.all(batch.map(beyondTheModel))).entries()) {
      observed += result.observed;
      if (result.missed.length > 0) missed[batch[index]!] = result.missed;
    }
  }
  expect(missed).toEqual({});
  // Most cases run on the demo schema (a few name tables it lacks and stop at their first statement).
  expect(observed).toBeGreaterThan(corpus.length / 2);
});
