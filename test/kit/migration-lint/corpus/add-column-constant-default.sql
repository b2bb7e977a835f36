-- expect: none
-- source: strong_migrations "adding a column with a default value" (safe since PostgreSQL 11); squawk adding-field-with-default
-- A constant default is stored in the catalog: no rewrite since PostgreSQL 11.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "posts" ADD COLUMN IF NOT EXISTS "score" INTEGER NOT NULL DEFAULT 0;
