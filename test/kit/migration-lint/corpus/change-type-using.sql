-- expect: changing-column-type
-- source: strong_migrations "changing the type of a column"; squawk changing-column-type
-- Same type, higher precision, but USING computes every value anew: a rewrite.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "posts" ALTER COLUMN "created_at" SET DATA TYPE TIMESTAMPTZ(6) USING "created_at" + INTERVAL '1 second';
