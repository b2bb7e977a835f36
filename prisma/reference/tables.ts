/**
 * The project's reference tables, loaded by `npm run seed:reference` (and setup, and deploys) from
 * the JSON Lines files beside this one. To add a table: add its file, an entry here, then
 * `npm run seed:reference -- --update-checksums`. docs/decisions/0003-reference-data-jsonl-with-checksums.md
 */
import type { ReferenceTable } from '#kit/seeding/reference-table.ts';

export const referenceTables: ReferenceTable[] = [
  { file: 'roles.jsonl', table: 'roles', key: 'name', columns: { name: 'text', description: 'text' } },
  {
    file: 'feature_flags.jsonl',
    table: 'feature_flags',
    key: 'key',
    columns: { key: 'text', enabled: 'boolean', description: 'text' },
  },
];
