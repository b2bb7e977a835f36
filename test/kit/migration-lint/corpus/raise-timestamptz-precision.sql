-- expect: changing-column-type
-- source: strong_migrations "changing the type of a column" (safe: increasing timestamp precision); squawk changing-column-type
-- Raising the precision does not rewrite, but one file does not say what the type was: flagged, to be silenced with `-- lint-ignore changing-column-type: only widens` after checking.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "posts" ALTER COLUMN "created_at" SET DATA TYPE TIMESTAMPTZ(6);
