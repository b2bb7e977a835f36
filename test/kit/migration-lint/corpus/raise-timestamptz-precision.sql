-- expect: none
-- source: strong_migrations "changing the type of a column" (safe: increasing timestamp precision); squawk changing-column-type
-- Allowed: the history declares posts.created_at TIMESTAMPTZ(3), and a higher precision rewrites nothing; the linter knows because it reads the history oldest first.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "posts" ALTER COLUMN "created_at" SET DATA TYPE TIMESTAMPTZ(6);
