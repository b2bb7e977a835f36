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
 *    pieces through a pool of connections. Prisma's native engine instead decides with sqlparser
 *    whether to split the file at all, and runs everything of one command, its own bookkeeping
 *    in `_prisma_migrations` included, on one connection. Here too: every adapter is a pool of
 *    exactly one connection that stays open for the whole command, and a script runs as
 *    src/kit/sql/native-script-plan.ts says (statement by statement, or whole as one query). So a
 *    `SET` lasts into later migrations of the same run, and a statement failing inside an
 *    explicit `BEGIN` leaves that connection in an aborted transaction, exactly as natively
 *    (docs/migrations/how-prisma-runs-a-migration.md).
 * 4. The engine waits for that lock inside `SELECT pg_advisory_lock(…)`, a statement that holds a
 *    snapshot while it waits. A concurrent deploy's CREATE INDEX CONCURRENTLY waits for every
 *    older snapshot, so the two blocked each other until the waiting one timed out (10 s). The
 *    lock is taken here instead, by polling (src/kit/schema-engine/migration-lock.ts). This is the one
 *    place the stand-in is kinder than the native engine, where the second deploy fails after
 *    10 s (P1002); deploy.yml never runs two deploys at once (its concurrency group).
 * 5. A failed migration's log in `_prisma_migrations` says "external connector error" where the
 *    native engine records PostgreSQL's code and error: rewritten to the native form.
 * 6. A raw command of several statements (the engine's best-effort reset, used where the role may
 *    not drop the schema, e.g. `public` on PostgreSQL 14) goes as one simple query, as natively.
 */
import { randomUUID } from 'node:crypto';
import type { PrismaPg } from '@prisma/adapter-pg';
import { ColumnTypeEnum, DriverAdapterError } from '@prisma/driver-adapter-utils';
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from '@prisma/driver-adapter-utils';
import type pg from 'pg';
import { adapterPgInternals } from './adapter-pg-internals.ts';
import { acquireMigrationLock, MIGRATION_LOCK_KEY } from './migration-lock.ts';
import { runScriptLikeNativeEngine } from '../sql/native-script-plan.ts';
import { withDatabase } from '../db/connection-url.ts';
import { dropDatabaseForcing } from '../db/database-sessions.ts';
import { withPgClient } from '../db/pg-client.ts';
import { pgConnectionOptions, urlSchema } from '../db/pg-connection-options.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';

const CHAR_OID = 18;
const TEXT_OID = 25;
// A column name can't contain NUL, so this suffix can't collide with a real one.
const CHAR_MARKER = '\u0000char';

function acceptCharColumns<T extends SqlDriverAdapter | Transaction>(queryable: T): T {
  const internals = adapterPgInternals(queryable);
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

const ENGINE_LOCK_QUERY = new RegExp(
  String.raw`^\s*SELECT\s+pg_advisory_lock\(\s*${MIGRATION_LOCK_KEY}\s*\)\s*;?\s*$`,
  'i',
);

/** Takes the engine's migration lock by polling, then answers its lock query as PostgreSQL would. */
function lockByPolling(adapter: SqlDriverAdapter, url: string): void {
  const internals = adapterPgInternals(adapter);
  const performIO = internals.performIO.bind(adapter);
  internals.performIO = async (query) => {
    if (!ENGINE_LOCK_QUERY.test(query.sql)) return performIO(query);
    await acquireMigrationLock(url, {
      onWait: () =>
        process.stderr.write(
          'Another migrate command holds the migration lock on this database; waiting for it to finish…\n',
        ),
    });
    return performIO({ ...query, sql: "SELECT ''::void AS pg_advisory_lock" });
  };
}

/** PostgreSQL's error from the last script that failed, for the P3018 / P3006 the native engine prints. */
export interface ScriptFailure {
  code: string;
  message: string;
}
/** PostgreSQL's error as the native engine quotes it under "Database error:". */
export const databaseErrorText = (failure: ScriptFailure): string => `ERROR: ${failure.message}`;

/**
 * Where the adapters of one stand-in leave the last script failure for the request it happened in:
 * the adapter records it (the engine passes on only its own paraphrase), the history write that
 * follows quotes it, and the request's error formatter takes it (main.ts, `inNativeForm`).
 */
export interface ScriptFailures {
  record(failure: ScriptFailure): void;
  /** The failure, left in place (the engine's bookkeeping queries that follow it read it too). */
  last(): ScriptFailure | undefined;
  /** The failure, cleared: a failure belongs to one request. */
  take(): ScriptFailure | undefined;
}

export function scriptFailures(): ScriptFailures {
  let last: ScriptFailure | undefined;
  return {
    record: (failure) => {
      last = failure;
    },
    last: () => last,
    take: () => {
      const failure = last;
      last = undefined;
      return failure;
    },
  };
}

/**
 * The failure log the engine records in `_prisma_migrations.logs`, in the native engine's words.
 * The wasm engine gets the error through the adapter as "external connector error" and the
 * adapter's kind of error ("Unique constraint failed: …"); the native engine writes PostgreSQL's
 * code and error line, which is what `migrate:recover` and a person reading the table look for.
 * The trace that follows stays as the engine wrote it.
 */
function nativeFailureLog(query: SqlQuery, failure: ScriptFailure | undefined): SqlQuery {
  if (!failure || !/_prisma_migrations/.test(query.sql)) return query;
  const args = query.args.map((arg) => {
    if (typeof arg !== 'string' || !arg.startsWith('external connector error')) return arg;
    const trace = arg.slice(Math.max(0, arg.search(/^\s+0: /m)));
    return `Database error code: ${failure.code}\n\nDatabase error:\n${databaseErrorText(failure)}\n\n${trace}`;
  });
  return { ...query, args };
}

function decorate(adapter: SqlDriverAdapter, failures: ScriptFailures): SqlDriverAdapter {
  acceptCharColumns(adapter);
  const internals = adapterPgInternals(adapter);
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    // One statement (Migrate's lock among them, which lockByPolling takes over) goes the usual way.
    if (query.args.length > 0 || !/;\s*\S/.test(query.sql.trim()))
      return executeRaw(nativeFailureLog(query, failures.last()));
    // The engine's raw commands may hold several statements (the best-effort reset drops every
    // table, enum and sequence in one), which the native engine sends as one simple query;
    // adapter-pg's extended protocol can't, and fails reading the results.
    const connection = await (internals.client as pg.Pool).connect();
    try {
      const results = [await connection.query(query.sql)].flat();
      return results.reduce((rows, result) => rows + (result.rowCount ?? 0), 0);
    } catch (error) {
      if (error instanceof DriverAdapterError) throw error;
      return internals.onError(error);
    } finally {
      connection.release();
    }
  };
  const queryRaw = adapter.queryRaw.bind(adapter);
  adapter.queryRaw = (query) => queryRaw(nativeFailureLog(query, failures.last()));
  adapter.executeScript = async (script: string) => {
    // The pool holds one connection, so this is the connection every other query of the
    // command runs on. Released without an error argument: that would destroy it.
    const connection = await (internals.client as pg.Pool).connect();
    try {
      await runScriptLikeNativeEngine(connection, script);
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string };
      if (code && message) failures.record({ code, message });
      if (error instanceof DriverAdapterError) throw error;
      internals.onError(error); // converts a pg error into the DriverAdapterError the engine reads
    } finally {
      connection.release();
    }
  };
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => acceptCharColumns(await startTransaction(isolationLevel));
  return adapter;
}

/**
 * Empties the URL's schema (`?schema=`, default public) of everything a replay made, as the native
 * engine does: it drops and recreates the schema, and where the role may not (PostgreSQL 14's
 * `public` belongs to the bootstrap superuser) it falls back to its "best-effort reset", dropping
 * the views, tables, sequences and enums in it and leaving the schema and its grants.
 */
function emptySchema(url: string): string {
  const schema = urlSchema(url) ?? 'public';
  const quoted = quoteIdentifier(schema);
  const literal = `'${schema.replace(/'/g, "''")}'`;
  return `DO $$
DECLARE object record;
BEGIN
  DROP SCHEMA IF EXISTS ${quoted} CASCADE;
  CREATE SCHEMA ${quoted};
EXCEPTION WHEN insufficient_privilege THEN
  FOR object IN
    SELECT format('DROP %s IF EXISTS %I.%I CASCADE',
                  CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
                  n.nspname, c.relname) AS ddl
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${literal} AND c.relkind IN ('v', 'm', 'r', 'p', 'S')
    ORDER BY c.relkind IN ('v', 'm') DESC, c.relkind = 'S'
  LOOP
    EXECUTE object.ddl;
  END LOOP;
  FOR object IN
    SELECT format('DROP TYPE IF EXISTS %I.%I CASCADE', n.nspname, t.typname) AS ddl
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = ${literal} AND t.typtype = 'e'
  LOOP
    EXECUTE object.ddl;
  END LOOP;
END $$;`;
}

export interface MigrationDatasource {
  url: string;
  shadowDatabaseUrl?: string | undefined;
  /**
   * Called with the shadow database's URL after a replay, before the shadow is emptied or
   * dropped: the one moment what the history built can still be read (extension-emulation.ts).
   */
  beforeShadowDiscarded?: ((shadowUrl: string) => Promise<void>) | undefined;
}

/**
 * The factory handed to `SchemaEngine.new`. adapter-pg (node-postgres under it: about 80 ms) is
 * imported here, not at the top, so a stand-in started only for `--version` doesn't load it.
 */
export async function createMigrationAdapterFactory(
  datasource: MigrationDatasource,
  failures: ScriptFailures,
): Promise<SqlMigrationAwareDriverAdapterFactory> {
  const { PrismaPg: Adapter } = await import('@prisma/adapter-pg');
  /** One connection for the whole command, never closed while idle: the native engine's model. */
  const oneConnection = (url: string): PrismaPg =>
    new Adapter({ ...pgConnectionOptions(url), max: 1, idleTimeoutMillis: 0 }, { schema: urlSchema(url) });
  const main = oneConnection(datasource.url);
  return {
    provider: main.provider,
    adapterName: main.adapterName,
    connect: async () => {
      const adapter = decorate(await main.connect(), failures);
      lockByPolling(adapter, datasource.url);
      return adapter;
    },
    connectToShadowDb: async () => {
      if (datasource.shadowDatabaseUrl) {
        // A shadow database you provide (SHADOW_DATABASE_URL, for roles without CREATEDB) is
        // emptied before the replay and after it, as the native engine does; replaying into what
        // the last replay left fails on the first CREATE ("type … already exists").
        const shadowUrl = datasource.shadowDatabaseUrl;
        const shadow = decorate(await oneConnection(shadowUrl).connect(), failures);
        const empty = emptySchema(shadowUrl);
        await shadow.executeScript(empty);
        const disposeShadow = shadow.dispose.bind(shadow);
        shadow.dispose = async () => {
          await datasource.beforeShadowDiscarded?.(shadowUrl);
          await shadow.executeScript(empty).catch(() => undefined);
          await disposeShadow();
        };
        return shadow;
      }
      // Same as the native engine: a throwaway database on the same server, dropped afterwards.
      const admin = decorate(await main.connect(), failures);
      const name = `prisma_migrate_shadow_db_${randomUUID()}`;
      await admin.executeScript(`CREATE DATABASE ${quoteIdentifier(name)}`);
      const shadowUrl = withDatabase(datasource.url, name);
      const shadow = decorate(await oneConnection(shadowUrl).connect(), failures);
      const disposeShadow = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await datasource.beforeShadowDiscarded?.(shadowUrl);
        await disposeShadow();
        // An autovacuum worker may have come to the new database: a migrator that is not a
        // superuser may not end it, so WITH (FORCE) alone failed the drift check now and then.
        await admin.dispose();
        await withPgClient(datasource.url, (client) => dropDatabaseForcing(client, name));
      };
      return shadow;
    },
  };
}
