import type { SqlBackfillJob } from '#kit/backfill/job.ts';

/**
 * Step 2 of the users.name → users.display_name rename (docs/migrations/rename-expand-contract.md):
 * copy the old column into the new one for rows written before the sync trigger existed. Rows
 * written since already have both; the trigger copies `display_name` back into `name` here, which
 * changes nothing because they are equal.
 */
export const userDisplayName: SqlBackfillJob = {
  name: 'user-display-name',
  description: 'Copy users.name into users.display_name for rows from before the rename began',
  table: 'users',
  key: 'id',
  pending: 'display_name IS NULL',
  set: 'display_name = name',
};
