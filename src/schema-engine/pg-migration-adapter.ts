/**
 * The driver adapter the wasm schema engine talks to PostgreSQL through: @prisma/adapter-pg with
 * the three things Migrate needs from it and it does not do (all observed with 7.10.1):
 *
 * 1. `"char"` columns (type oid 18, e.g. `pg_constraint.contype`, read during every diff) make
 *    adapter-pg throw "Column type 'char' could not be deserialized". The engine expects them as
 *    ColumnType Character with string values; as Text it panics.
 * 2. `connectToShadowDb()` creates a shadow database but connects to the main one (it spreads the
 *    new database name into a config whose connection string wins), so `migrate dev` replays the
 *    history onto the real database and fails with "relation … already exists".
 * 3. `executeScript()` splits on every `;` (breaking `$$` bodies and string literals) and sends the
 *    pieces through a pool, so `SET lock_timeout` and the statement after it may run on different
 *    connections. Here a script runs statement by statement on one dedicated connection, which is
 *    then closed so that nothing it SET leaks into later work. That matches how Prisma 7's native
 *    engine applies a migration (one statement at a time, not one implicit transaction), and is
 *    the rule the kit's migrations are written for; see docs/migrations/how-prisma-runs-a-migration.md.
 *    The connection is a new one, never one of the pool's: the engine holds its migration lock
 *    (a session advisory lock) on a pool connection, and closing that one released the lock
 *    mid-deploy, so two racing deploys both applied the first migration.
 * 4. The engine waits for that lock inside `SELECT pg_advisory_lock(…)`, a statement that holds a
 *    snapshot while it waits. A concurrent deploy's CREATE INDEX CONCURRENTLY waits for every
 *    older snapshot, so the two blocked each other until the waiting one timed out (10 s). The
 *    lock is taken here instead, by polling (src/schema-engine/migration-lock.ts).
 */
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { ColumnTypeEnum, DriverAdapterError } from '@prisma/driver-adapter-utils';
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { acquireMigrationLock, MIGRATION_LOCK_KEY } from './migration-lock.ts';
import { splitSqlStatements } from '../sql/split-statements.ts';
import { withDatabase } from '../db/connection-url.ts';

const CHAR_OID = 18;
const TEXT_OID = 25;
// A column name can't contain NUL, so this suffix can't collide with a real one.
const CHAR_MARKER = '\u0000char';

interface PgResult {
  fields: Array<{ name: string; dataTypeID: number }>;
}

/** The parts of adapter-pg's queryable that aren't in its public type but that we wrap. */
interface PgQueryableInternals {
  performIO(query: SqlQuery): Promise<PgResult>;
  onError(error: unknown): never;
  client: pg.Pool | pg.PoolClient;
}

function acceptCharColumns<T extends SqlDriverAdapter | Transaction>(queryable: T): T {
  const internals = queryable as unknown as PgQueryableInternals;
  const performIO = internals.performIO.bind(queryable);
  internals.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result.fields) {
      if (field.dataTypeID === CHAR_OID) {
        field.dataTypeID = TEXT_OID; // pg's text parser yields the single character as a string
        field.name += CHAR_MARKER;
      }
    }
    return result;
  };
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query: SqlQuery): Promise<SqlResultSet> => {
    const result = await queryRaw(query);
    result.columnNames.forEach((name, index) => {
      if (name.endsWith(CHAR_MARKER)) {
        result.columnNames[index] = name.slice(0, -CHAR_MARKER.length);
        result.columnTypes[index] = ColumnTypeEnum.Character;
      }
    });
    return result;
  };
  return queryable;
}

/** Runs a script statement by statement on one connection that is closed afterwards. */
export async function runScriptOnOwnConnection(config: pg.ClientConfig, script: string): Promise<void> {
  const connection = new pg.Client(config);
  connection.on('error', () => undefined); // a dropped connection surfaces as the failing query's error
  await connection.connect();
  try {
    for (const statement of splitSqlStatements(script)) {
      await connection.query(statement.text);
    }
  } finally {
    // Closing the connection ends any transaction a failed `BEGIN; … COMMIT;` left open (the
    // server rolls it back) and discards every SET the script made.
    await connection.end().catch(() => undefined);
  }
}

const ENGINE_LOCK_QUERY = new RegExp(String.raw`^\s*SELECT\s+pg_advisory_lock\(\s*${MIGRATION_LOCK_KEY}\s*\)\s*;?\s*$`, 'i');

/** Takes the engine's migration lock by polling, then answers its lock query as PostgreSQL would. */
function lockByPolling(adapter: SqlDriverAdapter, url: string): void {
  const internals = adapter as unknown as PgQueryableInternals;
  const performIO = internals.performIO.bind(adapter);
  internals.performIO = async (query) => {
    if (!ENGINE_LOCK_QUERY.test(query.sql)) return performIO(query);
    await acquireMigrationLock(url, {
      onWait: () => process.stderr.write('Another migrate command holds the migration lock on this database; waiting for it to finish…\n'),
    });
    return performIO({ ...query, sql: "SELECT ''::void AS pg_advisory_lock" });
  };
}

function decorate(adapter: SqlDriverAdapter): SqlDriverAdapter {
  acceptCharColumns(adapter);
  const internals = adapter as unknown as PgQueryableInternals;
  adapter.executeScript = async (script: string) => {
    try {
      await runScriptOnOwnConnection((internals.client as pg.Pool).options, script);
    } catch (error) {
      if (error instanceof DriverAdapterError) throw error;
      internals.onError(error); // converts a pg error into the DriverAdapterError the engine reads
    }
  };
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => acceptCharColumns(await startTransaction(isolationLevel));
  return adapter;
}

export interface MigrationDatasource {
  url: string;
  shadowDatabaseUrl?: string | undefined;
}

/** The factory handed to `SchemaEngine.new`. */
export function createMigrationAdapterFactory(datasource: MigrationDatasource): SqlMigrationAwareDriverAdapterFactory {
  const main = new PrismaPg({ connectionString: datasource.url });
  return {
    provider: main.provider,
    adapterName: main.adapterName,
    connect: async () => {
      const adapter = decorate(await main.connect());
      lockByPolling(adapter, datasource.url);
      return adapter;
    },
    connectToShadowDb: async () => {
      if (datasource.shadowDatabaseUrl) {
        return decorate(await new PrismaPg({ connectionString: datasource.shadowDatabaseUrl }).connect());
      }
      // Same as the native engine: a throwaway database on the same server, dropped afterwards.
      const admin = decorate(await main.connect());
      const name = `prisma_migrate_shadow_db_${randomUUID()}`;
      await admin.executeScript(`CREATE DATABASE "${name}"`);
      const shadow = decorate(await new PrismaPg({ connectionString: withDatabase(datasource.url, name) }).connect());
      const disposeShadow = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await disposeShadow();
        await admin.executeScript(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await admin.dispose();
      };
      return shadow;
    },
  };
}
