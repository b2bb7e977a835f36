-- expect: changing-column-type
-- source: strong_migrations "changing the type of a column"; squawk changing-column-type; Eugene E5
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "posts" ALTER COLUMN "author_id" TYPE BIGINT;
