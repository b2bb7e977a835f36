-- expect: data-change-in-migration
-- source: strong_migrations "backfilling data"
-- A backfill written into the migration (strong_migrations: "backfilling data"): one UPDATE of
-- every row, all of them locked until it ends. The kit's answer is `npm run backfill`.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
UPDATE "users" SET "timezone" = 'UTC' WHERE "timezone" IS NULL;
