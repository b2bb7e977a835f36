-- expect: data-change-in-migration
-- source: strong_migrations "backfilling data"
-- A batch delete belongs in a backfill-style job, not in the deploy.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
DELETE FROM "posts" WHERE "status" = 'ARCHIVED';
