/**
 * The app, as a rehearsal stands it in beside the migration:
 *
 * - a writer that inserts a generated row into every table the migrations touch and updates an
 *   existing one, round after round on one connection, timing each statement (a failed write is
 *   what a running release would see: a column it still writes was dropped or renamed);
 * - a long reader: a transaction that reads every such table and stays open for `readerHoldMs`
 *   before it commits and opens the next. Its ACCESS SHARE locks are the classic cause of a lock
 *   queue: a statement that wants ACCESS EXCLUSIVE waits behind them, and every writer waits
 *   behind that statement, unless the migration set a lock_timeout shorter than the hold.
 */
import type pg from 'pg';
import { connectPgClient } from '../db/pg-client.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';
import { generatedColumns, PERMUTED, readTableShape, UnfillableTable } from './generated-rows.ts';
import { type WriterStats, writerStats } from './write-latency.ts';

export interface AppTraffic {
  /** Each write so far: [ms since t0 when it ended, its latency in ms]. */
  samples: ReadonlyArray<[number, number]>;
  /** Each failed write so far: [ms since t0, PostgreSQL's message]. */
  failures: ReadonlyArray<[number, string]>;
  /** Stops both; resolves to the writer's latencies (ms since `t0`). */
  stop(): Promise<WriterStats>;
}

interface TableWrites {
  /** None for a table the kit can't generate a row for (a clone's table of exotic types). */
  insert?: string;
  update?: string;
  /** Primary keys of existing rows to update, one per round in turn. */
  keys: unknown[][];
}

/** Rows written by the writer are numbered from here, apart from the generated ones. */
const WRITER_ROWS_FROM = 1_000_000_000;

async function writesFor(client: pg.ClientBase, table: string): Promise<TableWrites> {
  const shape = await readTableShape(client, table);
  // One parent row per foreign key, read now, so that a write costs one row, not a parent scan.
  // One query at a time: a client runs one (pg 9 refuses a second while the first runs).
  const parentKeys: Array<Record<string, unknown> | undefined> = [];
  for (const key of shape.foreignKeys) {
    const { rows } = await client.query(
      `SELECT ${key.parentColumns.map(quoteIdentifier).join(', ')} FROM ${key.parent} LIMIT 1`,
    );
    parentKeys.push(rows[0] as Record<string, unknown> | undefined);
  }
  const literal = (value: unknown) =>
    value === undefined || value === null ? 'NULL' : `'${String(value).replace(/'/g, "''")}'`;
  let insert: string | undefined;
  try {
    const columns = generatedColumns(shape, (key, column) => {
      const parent = parentKeys[shape.foreignKeys.indexOf(key)];
      return literal(parent?.[key.parentColumns[key.columns.indexOf(column)] as string]);
    });
    insert = `INSERT INTO ${table} (${columns.map((column) => quoteIdentifier(column.name)).join(', ')})
      SELECT ${columns.map((column) => column.value).join(', ')}
        FROM (SELECT $1::bigint AS g) n ${PERMUTED}`;
  } catch (error) {
    if (!(error instanceof UnfillableTable)) throw error;
  }
  const key = shape.primaryKey;
  const other = shape.columns.find((column) => !key.includes(column.name))?.name ?? key[0];
  if (key.length === 0 || !other) return { insert, keys: [] };
  const { rows } = await client.query({
    text: `SELECT ${key.map(quoteIdentifier).join(', ')} FROM ${table} LIMIT 1000`,
    rowMode: 'array',
  });
  return {
    insert,
    update: `UPDATE ${table} SET ${quoteIdentifier(other)} = ${quoteIdentifier(other)} WHERE ${key
      .map((column, i) => `${quoteIdentifier(column)} = $${i + 1}`)
      .join(' AND ')}`,
    keys: rows as unknown[][],
  };
}

export async function startAppTraffic(
  url: string,
  tables: string[],
  options: { readerHoldMs: number; t0: number },
): Promise<AppTraffic> {
  const writer = await connectPgClient(url);
  const reader = options.readerHoldMs > 0 ? await connectPgClient(url) : undefined;
  const writes: TableWrites[] = [];
  for (const table of tables) writes.push(await writesFor(writer, table));
  const samples: Array<[number, number]> = [];
  const failures: Array<[number, string]> = [];
  let running = true;

  const timed = async (sql: string, params: unknown[]) => {
    const started = performance.now();
    try {
      await writer.query(sql, params);
    } catch (error) {
      failures.push([performance.now() - options.t0, (error as Error).message]);
    }
    const now = performance.now();
    samples.push([now - options.t0, now - started]);
  };
  const writing = (async () => {
    // Nothing to write would spin this loop without ever yielding.
    if (!writes.some((table) => table.insert || (table.update && table.keys.length > 0))) return;
    for (let round = 0; running; round += 1) {
      for (const table of writes) {
        if (!running) break;
        if (table.insert) await timed(table.insert, [WRITER_ROWS_FROM + round]);
        if (table.update && table.keys.length > 0) await timed(table.update, table.keys[round % table.keys.length]!);
      }
    }
  })();
  const reading = (async () => {
    if (!reader) return;
    while (running) {
      await reader.query('BEGIN');
      for (const table of tables) await reader.query(`SELECT 1 FROM ${table} LIMIT 1`).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, options.readerHoldMs));
      await reader.query('COMMIT');
    }
  })();

  return {
    samples,
    failures,
    async stop() {
      running = false;
      await Promise.all([writing, reading]);
      await Promise.all([writer.end(), reader?.end()]).catch(() => undefined);
      return writerStats(
        samples,
        failures.map(([, message]) => message),
      );
    },
  };
}
