/**
 * What PostgreSQL's locking depends on that a statement's text doesn't say, read from the catalog
 * of the database it will run on, for the lock model (statement-effects.ts):
 *
 * - the table an index belongs to: DROP INDEX and REINDEX INDEX name the index, and the lock
 *   writers meet is on its table;
 * - the foreign keys between tables: a foreign key has triggers on its parent table, so dropping
 *   it (DROP CONSTRAINT, dropping its column or its table, or rebuilding it when a column's type
 *   changes) takes ACCESS EXCLUSIVE on the parent too, and a CASCADE that drops a child's key
 *   takes it on the child.
 *
 * Found by the rehearsal (docs/migrations/rehearsal.md), whose observed locks the model is tested
 * against (test/kit/rehearsal/observed-vs-model.test.ts). Without a database (`migrate:lint
 * --no-database`, `--fix`) the model reads the text alone: NO_CATALOG.
 */
import type pg from 'pg';

export interface ForeignKeyFact {
  name: string;
  /** The table the key is on, and its columns. */
  table: string;
  columns: string[];
  /** The table it references, and the referenced columns. */
  parent: string;
  parentColumns: string[];
}

export interface CatalogFacts {
  /** The table of an index, by the index's name; undefined when no index has that name. */
  tableOfIndex(index: string): string | undefined;
  foreignKeys: ForeignKeyFact[];
}

export const NO_CATALOG: CatalogFacts = { tableOfIndex: () => undefined, foreignKeys: [] };

/** Names are compared unqualified and unquoted, as the model keeps a table's name as written. */
const bare = (name: string) => name.split('.').at(-1)!;

/** The facts of every index and foreign key outside the system schemas. */
export async function readCatalogFacts(client: pg.ClientBase): Promise<CatalogFacts> {
  const indexes = await client.query<{ index: string; table: string }>(
    `SELECT i.relname AS index, t.relname AS table
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`,
  );
  const keys = await client.query<ForeignKeyFact>(
    `SELECT c.conname AS name, t.relname AS table, p.relname AS parent,
            array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS columns,
            array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                    JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) AS "parentColumns"
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class p ON p.oid = c.confrelid
      WHERE c.contype = 'f'`,
  );
  const tableOf = new Map(indexes.rows.map((row) => [row.index, row.table]));
  return { tableOfIndex: (index) => tableOf.get(bare(index)), foreignKeys: keys.rows };
}

/** The foreign keys on `table` (by name as written), and those that reference it. */
export function foreignKeysAround(catalog: CatalogFacts, table: string) {
  const name = bare(table);
  return {
    outgoing: catalog.foreignKeys.filter((key) => key.table === name),
    incoming: catalog.foreignKeys.filter((key) => key.parent === name && key.table !== name),
  };
}
