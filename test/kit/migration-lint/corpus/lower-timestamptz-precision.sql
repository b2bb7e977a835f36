-- expect: changing-column-type
-- source: strong_migrations "changing the type of a column"; squawk changing-column-type; Eugene E5
-- A lower precision rounds every stored value: the table is rewritten.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "posts" ALTER COLUMN "created_at" SET DATA TYPE TIMESTAMPTZ(0);
