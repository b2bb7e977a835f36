-- Pattern: rename by expand and contract, step 1 (expand): users.name becomes users.display_name.
--   Adds the new column and a trigger that keeps both columns equal on every insert and update,
--   whichever one the writer knows. A trigger and not dual writes in app code: during a rolling
--   deploy old and new app versions write at the same time, and old code can't be taught to write
--   a column it has never heard of; the database sees every write, from every version and from
--   any script or other service.
-- Lock: ACCESS EXCLUSIVE on users for milliseconds (ADD COLUMN without a default is catalog-only;
--   CREATE TRIGGER takes SHARE ROW EXCLUSIVE briefly).
-- Runs as: three statements, each committing on its own (the native engine splits this file).
--   A row written after the column appears and before the trigger exists keeps display_name
--   NULL; the backfill that follows fills it, so no transaction is needed. Every statement can
--   be re-run (IF NOT EXISTS, OR REPLACE).
-- Ships before: nothing; code that only knows `name` keeps working. Next: `npm run backfill --
--   user-display-name`, then the NOT NULL tightening, then switch reads and writes, then the
--   contract migration (docs/migrations/rename-expand-contract.md).
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "display_name" TEXT;

CREATE OR REPLACE FUNCTION "users_sync_name_display_name"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.display_name := COALESCE(NEW.display_name, NEW.name);
    NEW.name := COALESCE(NEW.name, NEW.display_name);
  ELSIF NEW.name IS DISTINCT FROM OLD.name AND NEW.display_name IS NOT DISTINCT FROM OLD.display_name THEN
    -- Written by code that knows only the old column.
    NEW.display_name := NEW.name;
  ELSIF NEW.display_name IS DISTINCT FROM OLD.display_name AND NEW.name IS NOT DISTINCT FROM OLD.name THEN
    -- Written by code that knows only the new column (or by the backfill).
    NEW.name := NEW.display_name;
  END IF;
  RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER "users_sync_name_display_name"
  BEFORE INSERT OR UPDATE OF "name", "display_name" ON "users"
  FOR EACH ROW EXECUTE FUNCTION "users_sync_name_display_name"();
RESET statement_timeout;
RESET lock_timeout;
