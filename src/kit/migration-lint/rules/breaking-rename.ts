/**
 * `breaking-rename`: renames squawk doesn't cover (it has tables and columns): an enum value, a
 * schema, a type, a view, a function. Instant, but the running release still uses the old name.
 */
import type { ParsedStatement } from '../../sql/parse-statements.ts';
import { type FileRule, hitsPerStatement } from '../rule.ts';
import { RENAME } from './playbooks.ts';

/** What a statement renames that the running release still calls by its old name. */
function renamedObject({ kind, body }: ParsedStatement): string | undefined {
  if (kind === 'AlterEnumStmt' && body.oldVal !== undefined) return 'an enum value';
  if (kind !== 'RenameStmt') return undefined;
  const renamed: Record<string, string> = {
    OBJECT_SCHEMA: 'a schema',
    OBJECT_TYPE: 'a type (Prisma casts enum values to it by name)',
    OBJECT_VIEW: 'a view',
    OBJECT_MATVIEW: 'a materialized view',
    OBJECT_FUNCTION: 'a function',
  };
  return renamed[body.renameType];
}

export const breakingRename: FileRule = {
  kind: 'file',
  name: 'breaking-rename',
  lock: 'brief; but the running release still uses the old name, and fails from the moment it changes',
  fix: `add the new name beside the old one, move the app over, retire the old one later (${RENAME})`,
  check: (file) =>
    hitsPerStatement(file, (statement) => {
      const renamed = renamedObject(statement);
      return renamed && `this renames ${renamed} that the running release still uses by its old name`;
    }),
};
