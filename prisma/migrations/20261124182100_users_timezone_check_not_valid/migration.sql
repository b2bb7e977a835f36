-- Pattern: phased NOT NULL column, step 3: promise NOT NULL for new writes without checking old
--   rows: a CHECK constraint added NOT VALID.
-- Lock: ACCESS EXCLUSIVE on users for milliseconds (NOT VALID skips the table scan). The guard
--   before it reads the table under ACCESS SHARE, which blocks no writer.
-- Ships before: step 1 (add_user_timezone, which set the default for new rows) and a finished
--   `npm run backfill -- user-timezone`. The guard refuses to go on while NULLs remain, so a
--   deploy that skipped the backfill stops here with the fix in its message, changing nothing.
SET lock_timeout = '3s';
-- The guard reads the whole table (no lock on writers); the ALTER after it is catalog-only.
SET statement_timeout = '10min';
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM "users" WHERE "timezone" IS NULL) THEN
    RAISE EXCEPTION 'users.timezone still has NULL rows: run `npm run backfill -- user-timezone`, then `npx prisma migrate resolve --rolled-back <this migration>` and deploy again';
  END IF;
  -- PostgreSQL has no ADD CONSTRAINT IF NOT EXISTS; this makes a re-run after a failure safe.
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'users_timezone_not_null' AND conrelid = '"users"'::regclass) THEN
    ALTER TABLE "users" ADD CONSTRAINT "users_timezone_not_null" CHECK ("timezone" IS NOT NULL) NOT VALID;
  END IF;
END $$;
RESET statement_timeout;
RESET lock_timeout;
