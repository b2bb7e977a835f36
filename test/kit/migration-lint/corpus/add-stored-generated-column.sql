-- expect: adding-field-with-default
-- source: strong_migrations "adding a stored generated column"
-- Every row gets its computed value: a rewrite under ACCESS EXCLUSIVE.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "posts" ADD COLUMN IF NOT EXISTS "title_lower" TEXT GENERATED ALWAYS AS (lower("title")) STORED;
