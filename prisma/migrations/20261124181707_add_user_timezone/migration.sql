-- Pattern: phased NOT NULL column, step 1 (expand): users.timezone, nullable, with a default for
--   new rows set *before* the backfill, so rows written by old code during the backfill are not
--   left NULL (the order "backfill, then default" leaves that window and the final SET NOT NULL
--   fails). Next: `npm run backfill -- user-timezone`, then the NOT NULL tightening migrations.
-- Lock: ACCESS EXCLUSIVE on users for milliseconds, per statement; both change only the catalog
--   (no rewrite, no scan). lock_timeout makes a deploy fail fast instead of queueing writers
--   behind a long-running transaction.
-- Runs as: two statements, each committing on its own (the native engine splits this file). A
--   row written between them gets NULL, which the backfill fills; a re-run skips what exists.
-- Ships before: nothing; code that doesn't know the column keeps working.
-- Note: a constant default alone could be added in one step (PostgreSQL 11+ keeps it in the
--   catalog). The phased path is for values computed per row; the kit's backfill stands in for one.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "timezone" TEXT;
ALTER TABLE "users" ALTER COLUMN "timezone" SET DEFAULT 'UTC';
RESET statement_timeout;
RESET lock_timeout;
