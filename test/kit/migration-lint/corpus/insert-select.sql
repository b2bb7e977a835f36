-- expect: data-change-in-migration
-- source: strong_migrations "backfilling data"
-- A copy of a whole table inside the deploy.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
INSERT INTO "post_archive" SELECT * FROM "posts";
