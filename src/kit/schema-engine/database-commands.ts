/**
 * The engine's connection-level commands, which the CLI runs before any migration work:
 * `cli can-connect-to-database`, `cli create-database`, `cli drop-database`, and the RPC
 * `createDatabase`. The wasm engine has no equivalent (it connects through an adapter, which
 * needs the database to exist), so these talk to the server directly with node-postgres.
 */
import type pg from 'pg';
import { databaseName, withDatabase } from '../db/connection-url.ts';
import { connectionFailure, type EngineFailure } from '../db/connection-errors.ts';
import { withPgClient } from '../db/pg-client.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';
import { dropDatabaseForcing } from '../db/database-sessions.ts';

export class EngineCommandError extends Error {
  constructor(readonly failure: EngineFailure) {
    super(failure.message);
  }
}

/** `reportAs` is the URL errors are described for (the target database, not the maintenance one). */
async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>, reportAs = url): Promise<T> {
  try {
    return await withPgClient(url, work);
  } catch (error) {
    throw new EngineCommandError(connectionFailure(error, reportAs));
  }
}

/** Connect to the server's maintenance database to create or drop the target one. */
function maintenanceUrl(url: string): string {
  return withDatabase(url, databaseName(url) === 'postgres' ? 'template1' : 'postgres');
}

export async function canConnectToDatabase(url: string): Promise<void> {
  await withClient(url, async () => undefined);
}

export async function createDatabase(url: string): Promise<string> {
  const name = databaseName(url);
  await withClient(maintenanceUrl(url), (client) => client.query(`CREATE DATABASE ${quoteIdentifier(name)}`), url);
  return name;
}

export async function dropDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  await withClient(maintenanceUrl(url), (client) => dropDatabaseForcing(client, name), url);
}

/**
 * `prisma db execute`: the whole script as one query on a connection of its own, so PostgreSQL
 * runs it as one implicit transaction. The native engine's splitting (src/kit/sql/native-script-plan.ts)
 * is known for migration files only; for `db execute` we could not check which it does, so the
 * stand-in takes the stricter reading: a script that holds CONCURRENTLY plus anything else fails
 * here as it may natively. Run such statements one file each.
 */
export async function executeScript(url: string, script: string): Promise<void> {
  try {
    await withPgClient(url, (client) => client.query(script));
  } catch (error) {
    const failure = connectionFailure(error, url);
    // A failing statement (not a connection problem) reads as PostgreSQL reported it.
    throw new EngineCommandError(
      failure.errorCode ? failure : { errorCode: undefined, message: `ERROR: ${failure.message}` },
    );
  }
}
