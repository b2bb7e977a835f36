/**
 * Throwaway databases on a server: migrate one with the real `prisma migrate deploy`, clone it
 * with `CREATE DATABASE … TEMPLATE` (tens of milliseconds), drop them when done. The test setup
 * and the benchmarks use these; local snapshots can too.
 */
import { DatabaseError } from './database-error.ts';
import { runPrisma } from '../prisma-cli.ts';
import { databaseName, withDatabase } from './connection-url.ts';
import { dropDatabaseEndingSessions } from './database-sessions.ts';
import { withPgClient } from './pg-client.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';

/**
 * Creates (if missing) and migrates the database at `url` with the migrations of the project at
 * `root`; Prisma creates it on P1003.
 */
export async function migrateDatabase(url: string, root: string): Promise<void> {
  const deploy = await runPrisma(['migrate', 'deploy'], { url, cwd: root, env: { KIT_QUIET_ENGINE_LINE: '1' } });
  if (deploy.code !== 0) {
    throw new DatabaseError(
      `prisma migrate deploy into ${databaseName(url)} failed:\n${deploy.stdout}${deploy.stderr}`,
    );
  }
}

/** Clones `template` (a database on the same server as `serverUrl`) as `name`; returns its URL. */
export async function cloneDatabase(serverUrl: string, template: string, name: string): Promise<string> {
  await withPgClient(withDatabase(serverUrl, 'postgres'), (client) =>
    client.query(`CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(template)}`),
  );
  return withDatabase(serverUrl, name);
}

export async function dropDatabase(url: string): Promise<void> {
  await withPgClient(withDatabase(url, 'postgres'), (client) =>
    dropDatabaseEndingSessions(client, databaseName(url), 'dropping a scratch database'),
  );
}

/** Drops every database whose name starts with `prefix` (e.g. leftovers of a killed run). */
export async function dropDatabasesWithPrefix(serverUrl: string, prefix: string): Promise<void> {
  await withPgClient(withDatabase(serverUrl, 'postgres'), async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`,
      [prefix],
    );
    for (const { datname } of rows) await dropDatabaseEndingSessions(client, datname, 'dropping a scratch database');
  });
}
