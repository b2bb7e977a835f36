/** One short-lived node-postgres connection for admin and bookkeeping queries, always closed. */
import type pg from 'pg';
import { pgConnectionOptions } from './pg-connection-options.ts';

/**
 * A connected client for work that outlives one query (a backfill, a seed's transaction); close
 * it with `end()`. A connection the server drops (restart, crash, pg_terminate_backend) then
 * surfaces as the failing query's error instead of an unhandled 'error' event that kills the
 * process with a stack.
 */
export async function connectPgClient(url: string): Promise<pg.Client> {
  // Imported on first use (about 80 ms): a command whose slow part is a Prisma child process (the
  // linter's drift check) spawns it before paying for this.
  const { default: postgres } = await import('pg');
  const client = new postgres.Client({ ...pgConnectionOptions(url), connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export async function withPgClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connectPgClient(url);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
