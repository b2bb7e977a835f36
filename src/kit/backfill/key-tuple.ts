/**
 * Keyset pagination over a key of any orderable type and any number of columns. A key value is
 * kept as the text form of each column (`['42']`, `['3f2c…']`, `['acme', '7']`): that is how it is
 * checkpointed (a JSON array) and how it goes back into SQL, cast to the column's own type, so
 * comparisons and ordering are PostgreSQL's own (collations included) and never JavaScript's.
 */
import type pg from 'pg';
import { BackfillError } from './backfill-error.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';

export type KeyValue = string[];

export interface KeyShape {
  /** Quoted column names, in key order. */
  columns: string[];
  /** Each column's type as PostgreSQL prints it (`bigint`, `uuid`, `character varying(20)`). */
  types: string[];
}

/** Column name → type, for `columns` of `table`; one clear error for a table or column that isn't there. */
export async function columnTypes(
  client: pg.Client,
  table: string,
  columns: readonly string[],
): Promise<Map<string, string>> {
  const result = await client.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped AND a.attname = ANY($2)`,
    [quoteIdentifier(table), columns],
  );
  const types = new Map(result.rows.map((row) => [row.name, row.type]));
  const missing = columns.filter((column) => !types.has(column));
  if (missing.length > 0) {
    throw new BackfillError(
      `Table "${table}" has no column ${missing.map(quoteIdentifier).join(', ')} (or no such table): check the job's table, key, read and write`,
    );
  }
  return types;
}

export async function readKeyShape(client: pg.Client, table: string, key: readonly string[]): Promise<KeyShape> {
  const types = await columnTypes(client, table, key);
  return {
    columns: key.map((column) => quoteIdentifier(column)),
    types: key.map((column) => types.get(column)!),
  };
}

/** Collects query parameters and hands out their placeholders. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}

const tuple = (items: string[]) => `(${items.join(', ')})`;

/** `(a, b) > ($1::int, $2::uuid)`: the row comparison a btree index on (a, b) serves directly. */
export function keyCompare(
  shape: KeyShape,
  operator: '>' | '<=' | '=',
  value: KeyValue,
  params: SqlParams,
  prefix = '',
): string {
  const columns = shape.columns.map((column) => `${prefix}${column}`);
  return `${tuple(columns)} ${operator} ${tuple(value.map((part, i) => params.add(part, shape.types[i])))}`;
}

/** The WHERE conditions that keep a batch inside (after, upTo]. */
export function keyBounds(shape: KeyShape, after: KeyValue | null, upTo: KeyValue | null, params: SqlParams): string[] {
  const bounds: string[] = [];
  if (after) bounds.push(keyCompare(shape, '>', after, params));
  if (upTo) bounds.push(keyCompare(shape, '<=', upTo, params));
  return bounds;
}

export const keyOrder = (shape: KeyShape, direction: 'ASC' | 'DESC' = 'ASC') =>
  shape.columns.map((column) => `${column} ${direction}`).join(', ');

/** Select list that returns the key as text columns __k0, __k1, … */
export const keyAsText = (shape: KeyShape, prefix = '') =>
  shape.columns.map((column, i) => `${prefix}${column}::text AS __k${i}`).join(', ');

export const keyFromRow = (shape: KeyShape, row: Record<string, unknown>): KeyValue =>
  shape.columns.map((_, i) => String(row[`__k${i}`]));

/** A stored key (JSON) back to a key value; null stays null. */
export function parseStoredKey(stored: unknown): KeyValue | null {
  if (stored === null || stored === undefined) return null;
  if (Array.isArray(stored) && stored.every((part) => typeof part === 'string')) return stored;
  throw new Error(`Unreadable backfill key in bookkeeping: ${JSON.stringify(stored)}`);
}

export const describeKey = (value: KeyValue | null) => (value ? value.join(', ') : 'the start');
