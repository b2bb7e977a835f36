/**
 * How many rows each table of a database holds, as its planner estimates them (`pg_class.reltuples`,
 * kept by autovacuum and ANALYZE): what `migrate:rehearse -- --rows-from <url>` fills a scratch
 * rehearsal to when production itself can't be cloned. One read-only catalog query, no table is
 * scanned: safe to point at production, with a role that may only connect.
 */
import { withPgClient } from '../db/pg-client.ts';

/** Table (as PostgreSQL names it from the search path: `posts`, `audit.events`) → estimated rows. */
export async function readRowEstimates(url: string): Promise<Map<string, number>> {
  return withPgClient(url, async (client) => {
    await client.query('BEGIN READ ONLY');
    try {
      const { rows } = await client.query<{ table: string; rows: number }>(
        `SELECT c.oid::regclass::text AS table, c.reltuples::float8 AS rows
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'`,
      );
      // -1: never vacuumed or analyzed (PostgreSQL 14+), so unknown; the rehearsal's --rows stands.
      return new Map(rows.filter((row) => row.rows >= 0).map((row) => [row.table, Math.max(1, Math.round(row.rows))]));
    } finally {
      await client.query('ROLLBACK');
    }
  });
}
