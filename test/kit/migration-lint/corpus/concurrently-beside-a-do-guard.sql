-- expect: concurrently-not-alone, refused-in-one-transaction, require-concurrent-index-deletion
-- source: the kit (native engine: a file that does not parse runs whole)
-- The kit's first index migration: the DO block does not parse, so the native engine sends the
-- file whole, as one transaction, and PostgreSQL refuses CONCURRENTLY there (25001).
SET lock_timeout = '5s';
SET statement_timeout = '1h';
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'posts_title_idx' AND NOT i.indisvalid) THEN
    DROP INDEX "posts_title_idx";
  END IF;
END $$;
CREATE INDEX CONCURRENTLY IF NOT EXISTS "posts_title_idx" ON "posts" ("title");
RESET statement_timeout;
RESET lock_timeout;
