/**
 * Splits a table's key space into ranges of about equal row counts, so many workers can each take
 * one. Boundaries come from a sample of the keys (TABLESAMPLE reads a few pages, not the table),
 * sorted by PostgreSQL, so they hold for any key type and collation. Ranges need not be exactly
 * equal: there are several per worker, and a worker that finishes early takes the next.
 */
import type pg from 'pg';
import { keyAsText, keyFromRow, keyOrder, type KeyShape, type KeyValue } from './key-tuple.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';

export interface KeyRange {
  /** Exclusive; null: from the table's first key. */
  lower: KeyValue | null;
  /** Inclusive; null: to the table's last key, including keys inserted later. */
  upper: KeyValue | null;
}

const SAMPLE_ROWS = 20_000;

export async function planRanges(
  client: pg.Client,
  table: string,
  shape: KeyShape,
  count: number,
): Promise<KeyRange[]> {
  if (count <= 1) return [{ lower: null, upper: null }];
  const quoted = quoteIdentifier(table);
  const estimate = await client.query<{ rows: number }>(
    'SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = to_regclass($1)',
    [quoted],
  );
  const rows = estimate.rows[0]?.rows ?? -1;
  // reltuples is -1 before the first ANALYZE: read the whole table then (it is small or new).
  const percent = rows > SAMPLE_ROWS ? (SAMPLE_ROWS / rows) * 100 : 100;
  const sample = await client.query(
    `SELECT ${keyAsText(shape)} FROM ${quoted} TABLESAMPLE SYSTEM (${percent}) ORDER BY ${keyOrder(shape)}`,
  );
  const keys = sample.rows.map((row) => keyFromRow(shape, row));
  const boundaries: KeyValue[] = [];
  for (let i = 1; i < count; i += 1) {
    const key = keys[Math.floor((i * keys.length) / count) - 1];
    const previous = boundaries.at(-1);
    if (key && (!previous || key.join('\u0000') !== previous.join('\u0000'))) boundaries.push(key);
  }
  return [...boundaries, null].map((upper, i) => ({ lower: boundaries[i - 1] ?? null, upper }));
}
