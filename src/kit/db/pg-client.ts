/** One short-lived node-postgres connection for admin and bookkeeping queries, always closed. */
import type pg from 'pg';

export async function withPgClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  // Imported on first use (about 80 ms): a command whose slow part is a Prisma child process (the
  // linter's drift check) spawns it before paying for this.
  const { default: postgres } = await import('pg');
  const client = new postgres.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined); // a dropped connection surfaces as the failing query's error
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
