/**
 * What a migration statement really did to the tables, read from PostgreSQL while it ran rather
 * than looked up in the kit's lock model (src/kit/sql/statement-effects.ts):
 *
 * - the locks its backend took and held (pg_locks of its own pid, read inside its transaction
 *   before the commit releases them: Eugene's `trace` method);
 * - whether a table was rewritten (its relfilenode changed, and the new file has data: TRUNCATE
 *   swaps in an empty one);
 * - the table scans and the rows written (pg_stat_xact_user_tables, whose counts a backend keeps
 *   for its transaction until it commits).
 *
 * The statements run as the native engine sends them (src/kit/sql/native-script-plan.ts): a split
 * file one transaction per statement, a whole file one transaction. A statement PostgreSQL
 * refuses inside a transaction block (CREATE INDEX CONCURRENTLY, …) runs on its own, and its
 * locks come from watching its backend from another connection (backend-watch.ts) instead.
 */
import type pg from 'pg';

/** PostgreSQL's eight table lock modes, weakest first (storage/lockdefs.h numbers them 1–8). */
export const LOCK_MODES = [
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
] as const;
export type TableLockMode = (typeof LOCK_MODES)[number];

/** `AccessExclusiveLock` (pg_locks' spelling) → `ACCESS EXCLUSIVE` (the docs'). */
export function lockModeOf(pgLocksMode: string): TableLockMode | undefined {
  const words = pgLocksMode
    .replace(/Lock$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
  return LOCK_MODES.find((mode) => mode === words);
}

export const lockRank = (mode: TableLockMode) => LOCK_MODES.indexOf(mode);

export const strongestLock = (modes: TableLockMode[]): TableLockMode | undefined =>
  modes.reduce<TableLockMode | undefined>(
    (strongest, mode) => (strongest === undefined || lockRank(mode) > lockRank(strongest) ? mode : strongest),
    undefined,
  );

/** Modes that conflict with ROW EXCLUSIVE, which every INSERT, UPDATE and DELETE takes. */
export const blocksWriters = (mode: TableLockMode | undefined) =>
  mode !== undefined && lockRank(mode) >= lockRank('SHARE');

export interface ObservedTable {
  /** As PostgreSQL prints it (`posts`, or `audit.events` off the search path). */
  table: string;
  /** The strongest lock the statement took on it (none: it touched the table without a new lock). */
  taken?: TableLockMode;
  /** The strongest lock its transaction held on it when the statement ended. */
  held?: TableLockMode;
  rewritten: boolean;
  /** Sequential scans; undefined where they can't be read (outside a transaction). */
  seqScans?: number;
  /** Rows updated or deleted; undefined where they can't be read. */
  rowsWritten?: number;
}

export interface ObservedStatement {
  ms: number;
  tables: ObservedTable[];
  /** False for a statement PostgreSQL refuses in a transaction block: its locks were sampled. */
  inTransaction: boolean;
  /** About how long it waited for a lock another transaction held (backend-watch.ts). */
  lockWaitMs?: number;
  /** PostgreSQL's error, when the statement failed. */
  error?: { code: string; message: string };
}

interface TableState {
  table: string;
  relfilenode: string;
  bytes: number;
  seqScans: number;
  rowsWritten: number;
}

/** Every user table this session can see: its file, size, and this transaction's counts. */
async function tableStates(client: pg.ClientBase): Promise<Map<string, TableState>> {
  const { rows } = await client.query<{
    oid: string;
    table: string;
    relfilenode: string;
    bytes: string;
    seq: string | null;
    written: string | null;
  }>(
    `SELECT c.oid::text AS oid, c.oid::regclass::text AS table, c.relfilenode::text AS relfilenode,
            pg_relation_size(c.oid) AS bytes, s.seq_scan AS seq, s.n_tup_upd + s.n_tup_del AS written
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_stat_xact_user_tables s ON s.relid = c.oid
      WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\\_%'`,
  );
  return new Map(
    rows.map((row) => [
      row.oid,
      {
        table: row.table,
        relfilenode: row.relfilenode,
        bytes: Number(row.bytes),
        seqScans: Number(row.seq ?? 0),
        rowsWritten: Number(row.written ?? 0),
      },
    ]),
  );
}

export interface BackendLocks {
  /** The relation locks it holds in this database, by relation oid. */
  held: Map<string, TableLockMode[]>;
  /** Whether it is waiting for a lock of any kind (a row of its not granted yet). */
  waiting: boolean;
}

/**
 * A backend's rows of pg_locks, in one query: the relation locks it holds, by oid (so that a table
 * a statement renamed or dropped is still the one it had before), and whether it waits for one.
 */
export async function backendLocks(client: pg.ClientBase, pid: number | 'self'): Promise<BackendLocks> {
  const { rows } = await client.query<{ oid: string | null; mode: string; held: boolean; granted: boolean }>(
    `SELECT l.relation::text AS oid, l.mode, l.granted,
            l.locktype = 'relation' AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AS held
       FROM pg_locks l
      WHERE l.pid = ${pid === 'self' ? 'pg_backend_pid()' : '$1'}`,
    pid === 'self' ? [] : [pid],
  );
  const held = new Map<string, TableLockMode[]>();
  for (const row of rows.filter((row) => row.granted && row.held)) {
    const mode = lockModeOf(row.mode);
    if (mode && row.oid) held.set(row.oid, [...(held.get(row.oid) ?? []), mode]);
  }
  return { held, waiting: rows.some((row) => !row.granted) };
}

/**
 * What changed between two states of the tables, with the locks taken and held meanwhile. A
 * table keeps the name it had before the statement (a renamed one is reported as the statement
 * named it); a dropped one is still reported, with its lock.
 */
export function compareStates(
  before: Map<string, TableState>,
  after: Map<string, TableState>,
  locksBefore: Map<string, TableLockMode[]>,
  locksAfter: Map<string, TableLockMode[]>,
  counted: boolean,
): ObservedTable[] {
  const observed: ObservedTable[] = [];
  for (const oid of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(oid);
    const now = after.get(oid);
    const held = strongestLock(locksAfter.get(oid) ?? []);
    const had = new Set(locksBefore.get(oid) ?? []);
    const taken = strongestLock((locksAfter.get(oid) ?? []).filter((mode) => !had.has(mode)));
    const rewritten = was !== undefined && now !== undefined && was.relfilenode !== now.relfilenode && now.bytes > 0;
    const seqScans = counted && now ? now.seqScans - (was?.seqScans ?? 0) : undefined;
    const rowsWritten = counted && now ? now.rowsWritten - (was?.rowsWritten ?? 0) : undefined;
    if (!taken && !rewritten && !seqScans && !rowsWritten) continue;
    const table = (was ?? now)!.table;
    observed.push({ table, taken, held, rewritten, seqScans, rowsWritten });
  }
  return observed.sort((a, b) => a.table.localeCompare(b.table));
}

const failureOf = (error: unknown) => ({
  code: String((error as { code?: string }).code ?? ''),
  message: String((error as Error).message ?? error),
});

export interface ObserveOptions {
  /** Called as the statement is sent, and as its observation is complete. */
  onStart?(index: number): void;
  onEnd?(index: number, observed: ObservedStatement): void;
  /** Roll the transaction back at the end instead of committing: to observe and leave no trace. */
  rollback?: boolean;
}

/**
 * Runs `statements` in one transaction, reading what each did before the next. Stops at the
 * first that fails (the transaction is rolled back, as PostgreSQL would roll back the implicit
 * one). Resolves to one observation per statement that ran.
 */
export async function observeInOneTransaction(
  client: pg.ClientBase,
  statements: string[],
  options: ObserveOptions = {},
): Promise<ObservedStatement[]> {
  const observed: ObservedStatement[] = [];
  await client.query('BEGIN');
  try {
    let before = await tableStates(client);
    let locksBefore = (await backendLocks(client, 'self')).held;
    for (const [index, sql] of statements.entries()) {
      options.onStart?.(index);
      const started = performance.now();
      try {
        await client.query(sql);
      } catch (error) {
        const failed = { ms: performance.now() - started, tables: [], inTransaction: true, error: failureOf(error) };
        observed.push(failed);
        options.onEnd?.(index, failed);
        await client.query('ROLLBACK');
        return observed;
      }
      const ms = performance.now() - started;
      const after = await tableStates(client);
      const locksAfter = (await backendLocks(client, 'self')).held;
      const statement = {
        ms,
        tables: compareStates(before, after, locksBefore, locksAfter, true),
        inTransaction: true,
      };
      observed.push(statement);
      options.onEnd?.(index, statement);
      [before, locksBefore] = [after, locksAfter];
    }
    await client.query(options.rollback ? 'ROLLBACK' : 'COMMIT');
    return observed;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Runs one statement outside a transaction block, `sampleLocks` (what another connection saw
 * this backend hold while it ran) standing in for reading its own locks.
 */
export async function observeAlone(
  client: pg.ClientBase,
  sql: string,
  sampleLocks: (run: () => Promise<void>) => Promise<Map<string, TableLockMode[]>>,
): Promise<ObservedStatement> {
  const before = await tableStates(client);
  const started = performance.now();
  let error: ObservedStatement['error'];
  const locks = await sampleLocks(async () => {
    try {
      await client.query(sql);
    } catch (failure) {
      error = failureOf(failure);
    }
  });
  const ms = performance.now() - started;
  const after = await tableStates(client);
  return { ms, tables: compareStates(before, after, new Map(), locks, false), inTransaction: false, error };
}
