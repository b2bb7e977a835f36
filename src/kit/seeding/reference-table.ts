/**
 * A reference table: data production needs (roles, flag defaults, catalogs), reviewed like a
 * migration. One JSON Lines file per table under prisma/reference/, one row per line, so a bad row
 * is reported by line. A row with `"_removed": true` deletes that key; nothing else is deleted.
 * The project lists its tables in prisma/reference/tables.ts.
 */
export type ColumnType = 'text' | 'boolean' | 'integer';

export interface ReferenceTable {
  file: string;
  table: string;
  /** The natural key rows are upserted by; must have a unique index. */
  key: string;
  /** Every column the file provides, key included, with its PostgreSQL type. */
  columns: Record<string, ColumnType>;
}
