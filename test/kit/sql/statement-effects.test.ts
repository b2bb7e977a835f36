/**
 * The lock model (src/kit/sql/statement-effects.ts) that the linter, `--fix` and `migrate:plan`
 * share, one statement per row: what the model says (the lock and work on each table), and, for
 * every statement that runs inside a transaction, what PostgreSQL really holds after running it
 * there, read from pg_locks for the session's own backend (Eugene's method). A difference between
 * the two is a bug in the model. CONCURRENTLY, VACUUM and REINDEX … CONCURRENTLY refuse a
 * transaction block: their rows are the model's alone (kit bench locks measures them under a writer).
 */
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { withPgClient } from '#kit/db/pg-client.ts';
import { loadSqlParsers, type SqlParsers } from '#kit/sql/parse-statements.ts';
import { lockModeOf, strongestLock } from '#kit/rehearsal/observe-statements.ts';
import { type CatalogFacts, readCatalogFacts } from '#kit/sql/catalog-facts.ts';
import { blocksWrites, statementEffects } from '#kit/sql/statement-effects.ts';
import { useTestDatabase } from '../setup/test-database.ts';

const t = useTestDatabase({ demo: true });
let parsers: SqlParsers;
beforeAll(async () => {
  parsers = await loadSqlParsers();
});

/** `table lock work` for each effect, as a person reads the model. */
const modelOf = (sql: string, catalog?: CatalogFacts) =>
  parsers
    .parseStatements(sql)
    .flatMap((statement) => statementEffects(statement, catalog))
    .map((effect) => `${effect.table} ${effect.lock} ${effect.work}`);

// [statement, the model's effects, whether it can run in a transaction block]
const CASES: Array<[string, string[], boolean]> = [
  ['CREATE INDEX posts_title_idx ON posts (title)', ['posts SHARE build'], true],
  ['CREATE INDEX CONCURRENTLY posts_title_idx ON posts (title)', ['posts SHARE UPDATE EXCLUSIVE build'], false],
  ['ALTER TABLE posts ADD COLUMN note text', ['posts ACCESS EXCLUSIVE catalog'], true],
  ["ALTER TABLE posts ADD COLUMN note text DEFAULT 'x'", ['posts ACCESS EXCLUSIVE catalog'], true],
  ['ALTER TABLE posts ADD COLUMN token uuid DEFAULT gen_random_uuid()', ['posts ACCESS EXCLUSIVE rewrite'], true],
  ['ALTER TABLE posts ADD COLUMN seq bigserial', ['posts ACCESS EXCLUSIVE rewrite'], true],
  ['ALTER TABLE posts ALTER COLUMN title TYPE varchar(100)', ['posts ACCESS EXCLUSIVE rewrite'], true],
  ['ALTER TABLE posts ALTER COLUMN slug SET NOT NULL', ['posts ACCESS EXCLUSIVE scan'], true],
  ["ALTER TABLE posts ALTER COLUMN body SET DEFAULT 'x'", ['posts ACCESS EXCLUSIVE catalog'], true],
  ['ALTER TABLE posts ALTER COLUMN title SET STATISTICS 500', ['posts SHARE UPDATE EXCLUSIVE catalog'], true],
  [
    'ALTER TABLE posts ADD CONSTRAINT posts_author_fk FOREIGN KEY (author_id) REFERENCES users (id)',
    ['posts SHARE ROW EXCLUSIVE scan', 'users SHARE ROW EXCLUSIVE catalog'],
    true,
  ],
  [
    'ALTER TABLE posts ADD CONSTRAINT posts_author_fk FOREIGN KEY (author_id) REFERENCES users (id) NOT VALID',
    ['posts SHARE ROW EXCLUSIVE catalog', 'users SHARE ROW EXCLUSIVE catalog'],
    true,
  ],
  [
    'ALTER TABLE posts ADD CONSTRAINT posts_title_check CHECK (length(title) < 500) NOT VALID',
    ['posts ACCESS EXCLUSIVE catalog'],
    true,
  ],
  ['ALTER TABLE posts VALIDATE CONSTRAINT posts_author_id_fkey', ['posts SHARE UPDATE EXCLUSIVE scan'], true],
  ['ALTER TABLE users ADD CONSTRAINT users_name_key UNIQUE (display_name)', ['users ACCESS EXCLUSIVE build'], true],
  ['ALTER TABLE posts RENAME COLUMN body TO content', ['posts ACCESS EXCLUSIVE catalog'], true],
  [
    'CREATE TRIGGER posts_touch BEFORE UPDATE ON posts FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()',
    ['posts SHARE ROW EXCLUSIVE catalog'],
    true,
  ],
  [
    'CREATE TABLE comments (id bigserial PRIMARY KEY, post_id bigint REFERENCES posts (id))',
    ['comments ACCESS EXCLUSIVE new table', 'posts SHARE ROW EXCLUSIVE catalog'],
    true,
  ],
  ['DROP INDEX posts_author_id_idx', ['posts_author_id_idx ACCESS EXCLUSIVE catalog'], true],
  ['DROP INDEX CONCURRENTLY posts_author_id_idx', ['posts_author_id_idx SHARE UPDATE EXCLUSIVE catalog'], false],
  ['LOCK TABLE posts IN SHARE MODE', ['posts SHARE catalog'], true],
  ["UPDATE posts SET body = ''", ['posts ROW EXCLUSIVE rows'], true],
  ["INSERT INTO roles (name) VALUES ('x')", ['roles ROW EXCLUSIVE rows'], true],
  ['TRUNCATE posts', ['posts ACCESS EXCLUSIVE catalog'], true],
  ['VACUUM FULL posts', ['posts ACCESS EXCLUSIVE rewrite'], false],
  ['VACUUM posts', ['posts SHARE UPDATE EXCLUSIVE scan'], false],
  ['CLUSTER posts USING posts_pkey', ['posts ACCESS EXCLUSIVE rewrite'], true],
  ['REINDEX TABLE CONCURRENTLY posts', ['posts SHARE UPDATE EXCLUSIVE build'], false],
  ['DO $$ BEGIN CREATE INDEX posts_title_idx ON posts (title); END $$', ['posts SHARE build'], true],
];

/**
 * The strongest lock this session holds on each of `tables` after running `sql` in a transaction.
 * An index stands for its table, as in the model: DROP INDEX's lock is on the table.
 */
async function observedLocks(client: pg.Client, sql: string, names: string[]): Promise<string[]> {
  // By oid, read before the statement runs: a table it drops is gone from pg_class inside it.
  const oids: Array<string | null> = [];
  for (const name of names) {
    const { rows } = await client.query<{ oid: string | null }>(
      `SELECT coalesce((SELECT indrelid FROM pg_index WHERE indexrelid = to_regclass($1)), to_regclass($1))::oid::text AS oid`,
      [name],
    );
    oids.push(rows[0]?.oid ?? null);
  }
  await client.query('BEGIN');
  try {
    await client.query(sql);
    const { rows } = await client.query<{ oid: string; mode: string }>(
      `SELECT l.relation::text AS oid, l.mode FROM pg_locks l
        WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.relation::text = ANY($1)`,
      [oids.filter(Boolean)],
    );
    return oids.map((oid, index) => {
      const modes = rows.filter((row) => row.oid === oid).map((row) => lockModeOf(row.mode));
      return `${names[index]} ${strongestLock(modes.filter((mode) => mode !== undefined)) ?? 'none'}`;
    });
  } finally {
    await client.query('ROLLBACK');
  }
}

describe('statement effects: the model, and PostgreSQL in a transaction', () => {
  it.each(CASES)('%s', async (sql, expected, runsInTransaction) => {
    const model = modelOf(sql);
    expect(model).toEqual(expected);
    if (!runsInTransaction) return;
    // The table a lock is on: an index's lock is held on the index itself (REINDEX, DROP INDEX).
    const tables = model.map((effect) => effect.split(' ')[0]!).filter((table) => table !== 'comments');
    const observed = await withPgClient(t.url, (client) => observedLocks(client, sql, tables));
    expect(observed).toEqual(
      model
        .filter((effect) => !effect.startsWith('comments '))
        .map((effect) => effect.split(' ').slice(0, -1).join(' ').replace(/ new$/, '')),
    );
  });

  it('writers wait on what blocks ROW EXCLUSIVE, or on rows a statement writes; an INSERT blocks nobody', () => {
    const blocking = (sql: string) =>
      parsers
        .parseStatements(sql)
        .flatMap((statement) => statementEffects(statement))
        .map(blocksWrites);
    expect(blocking('CREATE INDEX CONCURRENTLY i ON posts (title)')).toEqual([false]);
    expect(blocking('CREATE INDEX i ON posts (title)')).toEqual([true]);
    expect(blocking("UPDATE posts SET body = ''")).toEqual([true]);
    expect(blocking("INSERT INTO roles (name) VALUES ('x')")).toEqual([false]);
  });
});

// What the text can't say, from the demo database's catalog (src/kit/sql/catalog-facts.ts): an
// index's table, and the foreign key posts.author_id → users, whose triggers live on users.
const CATALOG_CASES: Array<[string, string[]]> = [
  ['DROP INDEX posts_author_id_idx', ['posts ACCESS EXCLUSIVE catalog']],
  ['REINDEX INDEX posts_author_id_idx', ['posts SHARE build']],
  [
    'ALTER TABLE posts ALTER COLUMN author_id TYPE bigint',
    ['posts ACCESS EXCLUSIVE rewrite', 'users ACCESS EXCLUSIVE catalog'],
  ],
  ['ALTER TABLE posts DROP COLUMN author_id', ['posts ACCESS EXCLUSIVE catalog', 'users ACCESS EXCLUSIVE catalog']],
  [
    'ALTER TABLE posts DROP CONSTRAINT posts_author_id_fkey',
    ['posts ACCESS EXCLUSIVE catalog', 'users ACCESS EXCLUSIVE catalog'],
  ],
  ['DROP TABLE posts', ['posts ACCESS EXCLUSIVE catalog', 'users ACCESS EXCLUSIVE catalog']],
  ['DROP TABLE roles CASCADE', ['roles ACCESS EXCLUSIVE catalog', 'user_roles ACCESS EXCLUSIVE catalog']],
];

describe('statement effects with the catalog: the model, and PostgreSQL in a transaction', () => {
  let catalog: CatalogFacts;
  beforeAll(async () => {
    catalog = await withPgClient(t.url, readCatalogFacts);
  });

  it.each(CATALOG_CASES)('%s', async (sql, expected) => {
    const model = modelOf(sql, catalog);
    expect(model).toEqual(expected);
    const tables = model.map((effect) => effect.split(' ')[0]!);
    const observed = await withPgClient(t.url, (client) => observedLocks(client, sql, tables));
    expect(observed).toEqual(model.map((effect) => effect.split(' ').slice(0, -1).join(' ')));
  });
});
