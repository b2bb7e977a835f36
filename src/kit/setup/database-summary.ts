/** Read-only facts about a database for summaries: applied migrations and rows per table. */
import { withPgClient } from '../db/pg-client.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';

/** 0 for a database that doesn't exist yet (`migrate deploy` will create it). */
export async function appliedMigrationCount(url: string): Promise<number> {
  try {
    return await countApplied(url);
  } catch (error) {
    if ((error as { code?: string }).code === '3D000') return 0;
    throw error;
  }
}

function countApplied(url: string): Promise<number> {
  return withPgClient(url, async (client) => {
    // Unqualified: the URL's schema (`?schema=`) is the connection's search path.
    const exists = await client.query(`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present`);
    if (!exists.rows[0]?.present) return 0;
    const result = await client.query(
      'SELECT count(*)::int AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    return result.rows[0].n as number;
  });
}

export function rowCounts(url: string): Promise<Array<{ table: string; rows: number }>> {
  return withPgClient(url, async (client) => {
    const tables = await client.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE '\\_prisma%' ORDER BY tablename`,
    );
    const counts = [];
    for (const { name } of tables.rows) {
      const result = await client.query(`SELECT count(*)::int AS n FROM ${quoteIdentifier(name)}`);
      counts.push({ table: name, rows: result.rows[0].n as number });
    }
    return counts;
  });
}
