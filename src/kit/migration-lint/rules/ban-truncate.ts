/** `ban-truncate`: TRUNCATE empties a live table, and the running release may still need its rows. */
import { type FileRule, hitsPerStatement } from '../rule.ts';
import { DROP } from './playbooks.ts';

export const banTruncate: FileRule = {
  kind: 'file',
  name: 'ban-truncate',
  lock: 'ACCESS EXCLUSIVE, brief; but every row of a live table is gone, and the running app may still need them',
  fix: `delete in batches with a backfill-style job, or drop the table last once no code uses it (${DROP})`,
  check: (file) =>
    hitsPerStatement(file, ({ kind }) =>
      kind === 'TruncateStmt' ? 'TRUNCATE empties a live table under ACCESS EXCLUSIVE' : undefined,
    ),
};
