-- expect: changing-column-type
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "posts" ALTER COLUMN "author_id" TYPE BIGINT;
