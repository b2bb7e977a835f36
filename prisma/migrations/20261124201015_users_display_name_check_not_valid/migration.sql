-- Pattern: rename by expand and contract, step 3: promise display_name NOT NULL for new writes
--   without checking old rows yet: a CHECK constraint added NOT VALID (the phased NOT NULL
--   recipe, docs/migrations/phased-not-null-column.md, applied to the renamed column).
-- Lock: ACCESS EXCLUSIVE on users for milliseconds (NOT VALID skips the scan). The guard before
--   it reads the table under ACCESS SHARE, which blocks no writer.
-- Ships before: step 1 (users_display_name_expand, whose trigger fills display_name on every
--   write) and a finished `npm run backfill -- user-display-name`. The guard refuses while NULLs
--   remain, so a deploy that skipped the backfill stops here, changing nothing.
SET lock_timeout = '3s';
-- The guard reads the whole table (no lock on writers); the ALTER after it is catalog-only.
SET statement_timeout = '10min';
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM "users" WHERE "display_name" IS NULL) THEN
    RAISE EXCEPTION 'users.display_name still has NULL rows: run `npm run backfill -- user-display-name`, then `npx prisma migrate resolve --rolled-back <this migration>` and deploy again';
  END IF;
  -- PostgreSQL has no ADD CONSTRAINT IF NOT EXISTS; this makes a re-run after a failure safe.
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'users_display_name_not_null' AND conrelid = '"users"'::regclass) THEN
    ALTER TABLE "users" ADD CONSTRAINT "users_display_name_not_null" CHECK ("display_name" IS NOT NULL) NOT VALID;
  END IF;
END $$;
RESET statement_timeout;
RESET lock_timeout;
