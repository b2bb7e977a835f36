/**
 * createMany's insert: one `INSERT … SELECT * FROM unnest($1::type[], …) RETURNING …` per chunk.
 * Prisma's own createManyAndReturn spends ~285 µs per row in the client (measured: 2,000 users in
 * 570 ms); this spends ~18 µs (20,000 in 363 ms), which is what makes seeding 100,000 rows cheap.
 *
 * The column map is typed by the model's row type, so adding, renaming or removing a field in
 * schema.prisma fails the type check here until the map is updated.
 */
import type { Db } from './define-factory.ts';

export type ColumnMap<Row> = { [Field in keyof Row & string]: [column: string, pgType: string] };

export interface TableShape<Row> {
  table: string;
  columns: ColumnMap<Row>;
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

export async function bulkInsert<Input extends object, Row>(
  db: Db,
  shape: TableShape<Row>,
  rows: Input[],
): Promise<Row[]> {
  if (rows.length === 0) return [];
  const entries = Object.entries(shape.columns) as Array<[string, [string, string]]>;
  // Insert the fields any row sets; a field no row sets gets its column default.
  const fields = entries.filter(([field]) => rows.some((row) => (row as Record<string, unknown>)[field] !== undefined));
  const missing = fields.find(([field]) => rows.some((row) => (row as Record<string, unknown>)[field] === undefined));
  if (missing) {
    throw new Error(
      `bulkInsert into ${shape.table}: "${missing[0]}" is set on some rows but not others; set it on all or none.`,
    );
  }
  const sql = `INSERT INTO ${quote(shape.table)} (${fields.map(([, [column]]) => quote(column)).join(', ')})
    SELECT * FROM unnest(${fields.map(([, [, type]], i) => `$${i + 1}::${type}[]`).join(', ')})
    RETURNING ${entries.map(([field, [column]]) => `${quote(column)} AS ${quote(field)}`).join(', ')}`;
  const params = fields.map(([field]) => rows.map((row) => (row as Record<string, unknown>)[field]));
  return db.$queryRawUnsafe<Row[]>(sql, ...params);
}
