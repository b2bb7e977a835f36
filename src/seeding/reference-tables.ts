/**
 * The reference tables: data production needs (roles, flag defaults, catalogs), reviewed like a
 * migration. One JSON Lines file per table under prisma/reference/, one row per line, so a bad row
 * is reported by line. A row with `"_removed": true` deletes that key; nothing else is deleted.
 *
 * To add a table: add its file, an entry here, then `npm run seed:reference -- --update-checksums`.
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

export const referenceTables: ReferenceTable[] = [
  { file: 'roles.jsonl', table: 'roles', key: 'name', columns: { name: 'text', description: 'text' } },
  {
    file: 'feature_flags.jsonl',
    table: 'feature_flags',
    key: 'key',
    columns: { key: 'text', enabled: 'boolean', description: 'text' },
  },
];
