/**
 * Local snapshots of the dev database: `CREATE DATABASE … TEMPLATE` copies it file by file in
 * about a second, so a risky local migration can be tried and undone. A snapshot is a database
 * named `<db>__snap_<name>` on the same server. Local only: copying needs every other connection
 * to the source closed, which is never acceptable on a shared server.
 */
import type pg from 'pg';
import { DatabaseError } from './database-error.ts';
import { databaseName, withDatabase } from './connection-url.ts';
import { assertDevelopmentServer } from './development-server.ts';
import { dropDatabaseEndingSessions, endSessions, sessionsToEnd } from './database-sessions.ts';
import { withPgClient } from './pg-client.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';

const NAME = /^[a-z0-9][a-z0-9_]{0,30}$/;
const snapshotDatabase = (database: string, name: string) => `${database}__snap_${name}`;

export interface Snapshot {
  name: string;
  size: string;
  takenAt: string;
}

function checkName(name: string | undefined): string {
  if (!name || !NAME.test(name)) {
    throw new DatabaseError(
      `Snapshot name "${name ?? ''}" must be 1-31 characters of a-z, 0-9 and _, starting with a letter or digit`,
    );
  }
  return name;
}

/**
 * Copies and drops need CREATEDB; checked before anything is ended or copied, so a role without it
 * is refused in one line instead of after its database's other sessions were terminated.
 */
async function assertMayCreateDatabases(client: pg.Client, command: string): Promise<void> {
  const role = (
    await client.query<{ name: string; may: boolean }>(
      'SELECT rolname AS name, rolcreatedb OR rolsuper AS may FROM pg_roles WHERE rolname = current_user',
    )
  ).rows[0];
  if (!role?.may)
    throw new DatabaseError(
      `${command} copies databases, which needs CREATEDB; the role ${role?.name ?? '(unknown)'} has not got it`,
      { fix: 'Nothing was changed.' },
    );
}

async function withServer<T>(
  url: string,
  command: string,
  work: (client: pg.Client, database: string) => Promise<T>,
): Promise<T> {
  await assertDevelopmentServer(url, command, {
    production: "Snapshots are for your own database; use your platform's backups elsewhere.",
  });
  const database = databaseName(url);
  return withPgClient(withDatabase(url, 'postgres'), (client) => work(client, database));
}

export function listSnapshots(url: string): Promise<Snapshot[]> {
  return withServer(url, 'db:snapshot --list', async (client, database) => {
    const prefix = snapshotDatabase(database, '');
    const result = await client.query<{ datname: string; size: string; comment: string | null }>(
      `SELECT datname, pg_size_pretty(pg_database_size(oid)) AS size, shobj_description(oid, 'pg_database') AS comment
       FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname`,
      [prefix],
    );
    return result.rows.map((row) => ({
      name: row.datname.slice(prefix.length),
      size: row.size,
      takenAt: row.comment ?? '',
    }));
  });
}

const exists = async (client: pg.Client, database: string) =>
  (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount === 1;

export interface SnapshotResult {
  /** Other sessions on the database that had to be ended. */
  endedSessions: number;
}

export function takeSnapshot(url: string, rawName: string | undefined): Promise<SnapshotResult> {
  const name = checkName(rawName);
  return withServer(url, 'db:snapshot', async (client, database) => {
    const target = snapshotDatabase(database, name);
    if (await exists(client, target))
      throw new DatabaseError(
        `Snapshot "${name}" exists; restore it, delete it (npm run db:snapshot -- --delete ${name}), or pick another name`,
      );
    await assertMayCreateDatabases(client, 'db:snapshot');
    const ended = await endSessions(client, await sessionsToEnd(client, database, 'db:snapshot'));
    await client.query(`CREATE DATABASE ${quoteIdentifier(target)} TEMPLATE ${quoteIdentifier(database)}`);
    await client.query(
      `COMMENT ON DATABASE ${quoteIdentifier(target)} IS ${client.escapeLiteral(new Date().toISOString())}`,
    );
    return { endedSessions: ended };
  });
}

export function restoreSnapshot(url: string, rawName: string | undefined): Promise<SnapshotResult> {
  const name = checkName(rawName);
  return withServer(url, 'db:restore', async (client, database) => {
    const source = snapshotDatabase(database, name);
    if (!(await exists(client, source))) {
      const known = (await listSnapshots(url)).map((snapshot) => snapshot.name);
      throw new DatabaseError(`No snapshot "${name}" of ${database}`, {
        fix: known.length ? `Snapshots: ${known.join(', ')}.` : 'Take one with npm run db:snapshot -- <name>.',
      });
    }
    await assertMayCreateDatabases(client, 'db:restore');
    // Checked before the copy, so a refusal leaves everything as it was.
    await sessionsToEnd(client, database, 'db:restore');
    // Copy first, swap after: if the copy fails, the current database is untouched.
    const staging = `${database}__restoring`;
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(staging)}`);
    await client.query(`CREATE DATABASE ${quoteIdentifier(staging)} TEMPLATE ${quoteIdentifier(source)}`);
    const ended = await dropDatabaseEndingSessions(client, database, 'db:restore');
    await client.query(`ALTER DATABASE ${quoteIdentifier(staging)} RENAME TO ${quoteIdentifier(database)}`);
    return { endedSessions: ended };
  });
}

export function deleteSnapshot(url: string, rawName: string | undefined): Promise<SnapshotResult & { size: string }> {
  const name = checkName(rawName);
  return withServer(url, 'db:snapshot --delete', async (client, database) => {
    const target = snapshotDatabase(database, name);
    if (!(await exists(client, target))) throw new DatabaseError(`No snapshot "${name}" of ${database}`);
    const { size } = (
      await client.query<{ size: string }>('SELECT pg_size_pretty(pg_database_size($1)) AS size', [target])
    ).rows[0]!;
    const ended = await dropDatabaseEndingSessions(client, target, 'db:snapshot --delete');
    return { size, endedSessions: ended };
  });
}
