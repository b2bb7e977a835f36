/**
 * The private members of @prisma/adapter-pg's queryables that the stand-in reaches into, in one
 * place, and why its public interface (queryRaw, executeRaw, executeScript, startTransaction)
 * can't do each (observed with 7.10.1; pg-migration-adapter.ts uses them):
 *
 * - `performIO(query)`: the raw node-postgres result before adapter-pg converts it. adapter-pg
 *   throws on a `"char"` column (oid 18) inside queryRaw, before anything is returned, and the
 *   engine reads such columns on every diff; and Migrate's lock query must be answered without
 *   sending it (it would hold a snapshot while waiting). Both need the query before conversion.
 * - `client`: the pool of one connection, for a script or a multi-statement raw command sent as
 *   one simple query, as the native engine sends them (adapter-pg only speaks the extended
 *   protocol, one statement per query).
 * - `onError(error)`: turns a node-postgres error into the DriverAdapterError the engine reads
 *   (the code, the message, the kind), exactly as adapter-pg's own queries report it.
 *
 * The alternative is a driver adapter of the kit's own over node-postgres, with adapter-pg's
 * type conversions copied: more code to keep in step than three members. So an adapter-pg other
 * than the one checked here fails test/kit/schema-engine/adapter-pg-internals.test.ts, and an
 * instance without these members fails at once with the fix named, instead of misbehaving.
 */
import type { SqlDriverAdapter, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';
import type pg from 'pg';

/** The adapter-pg these members were read in. */
export const CHECKED_ADAPTER_PG_VERSION = '7.10.1';

export interface PgResult {
  fields: Array<{ name: string; dataTypeID: number }>;
}

export interface AdapterPgInternals {
  performIO(query: SqlQuery): Promise<PgResult>;
  onError(error: unknown): never;
  client: pg.Pool | pg.PoolClient;
}

/** The members, checked to be there. */
export function adapterPgInternals(queryable: SqlDriverAdapter | Transaction): AdapterPgInternals {
  const internals = queryable as unknown as Partial<AdapterPgInternals>;
  if (typeof internals.performIO !== 'function' || typeof internals.onError !== 'function' || !internals.client) {
    throw new Error(
      `@prisma/adapter-pg no longer has the members the wasm stand-in wraps (performIO, onError, client; read in ${CHECKED_ADAPTER_PG_VERSION}): re-check src/kit/schema-engine/adapter-pg-internals.ts against the installed version.`,
    );
  }
  return internals as AdapterPgInternals;
}
