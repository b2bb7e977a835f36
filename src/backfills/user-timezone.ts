import type { SqlBackfillJob } from '#kit/backfill/job.ts';

/**
 * Step 2 of the phased NOT NULL column (docs/migrations/phased-not-null-column.md): give every
 * existing user a timezone. A real service would derive it per row (from a country or the last
 * login's offset); the kit's stand-in value is the column default.
 */
export const userTimezone: SqlBackfillJob = {
  name: 'user-timezone',
  description: "Fill users.timezone for rows created before the column existed ('UTC')",
  table: 'users',
  key: 'id',
  pending: 'timezone IS NULL',
  set: "timezone = 'UTC'",
};
