/**
 * Rows for a table that nobody wrote, generated from its column types in SQL, so that a table
 * of a million rows fills in seconds on the server instead of through a client. Row `g` gets:
 *
 * - numbers, text, uuids, bytes: values unique per row (unique indexes build), in an order
 *   unrelated to the table's physical order (`h`, g times an odd number modulo 2^31: a
 *   permutation), so an index build sorts for real: values in insert order would make every
 *   build look fast;
 * - a foreign key: a key of the parent, skewed (a few parents own most rows, as real ones do);
 * - an enum: its labels, skewed the same way; a boolean: true for one row in three;
 * - a column with a default, identity or generation expression: nothing (PostgreSQL fills it);
 * - a nullable column of a type it can't generate: NULL.
 *
 * A NOT NULL column of a type it can't generate, or a CHECK the values break, stops the fill
 * with the table and the column named: that table needs `--target`, a clone with real rows.
 */
import type pg from 'pg';
import { KitError } from '../kit-error.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';

export interface GeneratedColumn {
  name: string;
  /** SQL for row `g` (bigint) and `h`, a permutation of g below 2^31. */
  value: string;
}

export interface ForeignKey {
  columns: string[];
  /** The parent table, as PostgreSQL prints it. */
  parent: string;
  parentColumns: string[];
  /** Every column NOT NULL: the parent must have rows before this table can. */
  required: boolean;
}

export interface TableShape {
  table: string;
  columns: Array<{
    name: string;
    type: string;
    category: string;
    enumLabels?: string[];
    notNull: boolean;
    filledByServer: boolean;
  }>;
  foreignKeys: ForeignKey[];
  primaryKey: string[];
}

/** A table's columns, keys and references, from the catalog. */
export async function readTableShape(client: pg.ClientBase, table: string): Promise<TableShape> {
  const columns = await client.query<TableShape['columns'][number] & { enumLabels: string[] | null }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            coalesce(bt.typcategory, t.typcategory) AS category,
            (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e
              WHERE e.enumtypid = coalesce(bt.oid, t.oid)) AS "enumLabels",
            a.attnotnull AS "notNull",
            (a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '') AS "filledByServer"
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_type bt ON bt.oid = t.typbasetype AND t.typtype = 'd'
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [table],
  );
  const keys = await client.query<{
    type: string;
    columns: string[];
    parent: string | null;
    parentColumns: string[] | null;
  }>(
    `SELECT c.contype AS type,
            array(SELECT attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                    JOIN pg_attribute ON attrelid = c.conrelid AND attnum = k.n ORDER BY k.i) AS columns,
            c.confrelid::regclass::text AS parent,
            array(SELECT attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                    JOIN pg_attribute ON attrelid = c.confrelid AND attnum = k.n ORDER BY k.i) AS "parentColumns"
       FROM pg_constraint c
      WHERE c.conrelid = $1::regclass AND c.contype IN ('f', 'p')`,
    [table],
  );
  const shape: TableShape = {
    table,
    columns: columns.rows.map((column) => ({ ...column, enumLabels: column.enumLabels ?? undefined })),
    foreignKeys: [],
    primaryKey: keys.rows.find((key) => key.type === 'p')?.columns ?? [],
  };
  for (const key of keys.rows.filter((row) => row.type === 'f')) {
    shape.foreignKeys.push({
      columns: key.columns,
      parent: key.parent as string,
      parentColumns: key.parentColumns ?? [],
      required: key.columns.every((name) => shape.columns.find((column) => column.name === name)?.notNull),
    });
  }
  return shape;
}

/** `h` for row `g`: g times an odd number, modulo 2^31, a permutation of the row numbers. */
export const PERMUTED = 'CROSS JOIN LATERAL (SELECT (g * 2654435761) % 2147483648 AS h) permuted';

/** 0 ≤ skew < 1 for row g, most rows near 0: a few parents or labels get most rows. */
const SKEW = `power(h / 2147483648.0, 3)`;

/** SQL for a value of `type` in row g, or undefined when the kit can't make one. */
function valueFor(column: TableShape['columns'][number]): string | undefined {
  const { type, category } = column;
  const cast = (sql: string) => `(${sql})::${type}`;
  if (column.enumLabels?.length) {
    const labels = column.enumLabels.map((label) => `'${label.replace(/'/g, "''")}'`).join(', ');
    return cast(`(ARRAY[${labels}])[1 + floor(${column.enumLabels.length} * ${SKEW})::int]`);
  }
  if (/^smallint\b/.test(type)) return cast('g % 32767');
  if (/^numeric\((\d+),(\d+)\)/.test(type)) {
    const [, precision, scale] = /^numeric\((\d+),(\d+)\)/.exec(type) as RegExpExecArray;
    return cast(`g % (10 ^ ${Math.min(Number(precision) - Number(scale), 15)})::bigint`);
  }
  if (category === 'N') return cast('h');
  if (category === 'S') {
    const length = /\((\d+)\)/.exec(type)?.[1];
    return cast(length ? `right('v' || h, ${length})` : `'v' || h`);
  }
  if (category === 'B') return 'g % 3 = 0';
  if (category === 'D') {
    if (/^time\b|^time without|^time with/.test(type)) return cast(`time '00:00' + (h % 86400) * interval '1 second'`);
    return cast(`timestamptz '2020-01-01 00:00:00+00' + (h % 157680000) * interval '1 second'`);
  }
  if (category === 'T') return cast(`(h % 100000) * interval '1 second'`);
  if (type === 'uuid') return `md5(g::text)::uuid`;
  if (type === 'jsonb' || type === 'json') return cast(`json_build_object('n', g)`);
  if (type === 'bytea') return `decode(md5(g::text), 'hex')`;
  if (category === 'A') return cast(`'{}'`);
  return undefined;
}

/**
 * A parent's keys are read once into arrays, one per key column, in the same order
 * (parent_<n>.k<i>); a row picks one index into them, skewed.
 */
const skewedParentKey = (shape: TableShape) => (key: ForeignKey, column: string) => {
  const parent = `parent_${shape.foreignKeys.indexOf(key)}`;
  return `${parent}.k${key.columns.indexOf(column) + 1}[1 + floor(${parent}.n * ${SKEW})::int]`;
};

/** A table the rehearsal can't fill with generated rows: which one, and why. */
export class UnfillableTable extends KitError {
  constructor(
    readonly table: string,
    readonly reason: string,
  ) {
    super(`Can't fill ${table}: ${reason}`, { fix: 'Rehearse on a clone with real rows instead: --target <url>.' });
  }
}

/**
 * The columns to insert into `shape` and the SQL of each. A foreign key column's SQL is
 * `foreignKeyValue`'s, by default a skewed pick from the parent's keys (fillStatement's arrays).
 */
export function generatedColumns(
  shape: TableShape,
  foreignKeyValue: (key: ForeignKey, column: string) => string = skewedParentKey(shape),
): GeneratedColumn[] {
  const generated: GeneratedColumn[] = [];
  for (const column of shape.columns) {
    if (column.filledByServer) continue;
    const key = shape.foreignKeys.find((fk) => fk.columns.includes(column.name));
    if (key) {
      generated.push({ name: column.name, value: foreignKeyValue(key, column.name) });
      continue;
    }
    const value = valueFor(column);
    if (value) generated.push({ name: column.name, value });
    else if (column.notNull)
      throw new UnfillableTable(shape.table, `the kit can't generate values of ${column.type} for ${column.name}`);
  }
  if (generated.length === 0)
    throw new UnfillableTable(shape.table, 'it has no column the kit can generate values for');
  return generated;
}

/**
 * One INSERT … SELECT of rows g = $1 … $2 into `shape`. A parent's keys are its first 100,000
 * rows: enough spread for the skew, bounded for a parent of any size.
 */
export function fillStatement(shape: TableShape): string {
  const columns = generatedColumns(shape);
  const parents = shape.foreignKeys.map((fk, index) => {
    const arrays = fk.parentColumns.map((column, i) => `array_agg(${quoteIdentifier(column)}) AS k${i + 1}`);
    return `(SELECT ${arrays.join(', ')}, count(*) AS n
          FROM (SELECT * FROM ${fk.parent} LIMIT 100000) p) parent_${index}`;
  });
  return `INSERT INTO ${shape.table} (${columns.map((column) => quoteIdentifier(column.name)).join(', ')})
SELECT ${columns.map((column) => column.value).join(', ')}
  FROM generate_series($1::bigint, $2::bigint) g
 ${PERMUTED}${parents.map((parent) => `\n CROSS JOIN ${parent}`).join('')}`;
}
