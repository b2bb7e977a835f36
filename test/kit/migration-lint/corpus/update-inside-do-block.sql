-- expect: data-change-in-migration
-- source: strong_migrations "backfilling data"
-- The same, hidden in a DO block.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
DO $$
BEGIN
  UPDATE "users" SET "timezone" = 'UTC' WHERE "timezone" IS NULL;
END $$;
