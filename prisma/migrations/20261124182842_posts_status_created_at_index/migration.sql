-- Pattern: index without blocking writes (CREATE INDEX CONCURRENTLY), in a file of its own and
--   outside BEGIN/COMMIT: PostgreSQL refuses CONCURRENTLY inside a transaction block.
-- Lock: SHARE UPDATE EXCLUSIVE on posts for the whole build: inserts, updates and deletes go on;
--   the build waits for transactions already touching posts to finish, twice. lock_timeout
--   bounds the wait for the lock itself; statement_timeout (1h) bounds the build.
-- Ships before: nothing. schema.prisma declares the same index (@@index([status, createdAt])), so
--   Migrate sees no drift.
-- Re-run after a failed build: a build that fails half-way leaves an INVALID index of this name,
--   which IF NOT EXISTS would keep. The DO block drops it first (plain DROP INDEX: a brief
--   ACCESS EXCLUSIVE lock, catalog only; DROP INDEX CONCURRENTLY isn't allowed inside DO).
SET lock_timeout = '5s';
-- A build that runs out of time fails and leaves an INVALID index, which a re-run replaces.
SET statement_timeout = '1h';
-- One build process: parallel workers take every core and the app's writes wait for CPU
-- (bench:locks, 1M rows on 2 cores: longest write 8-13 ms parallel, about 5 ms serial, for a
-- build about 10% slower). On a large server raise it if build time matters more.
SET max_parallel_maintenance_workers = 0;
DO $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    WHERE c.relname = 'posts_status_created_at_idx' AND NOT i.indisvalid
  ) THEN
    DROP INDEX "posts_status_created_at_idx";
  END IF;
END $$;
CREATE INDEX CONCURRENTLY IF NOT EXISTS "posts_status_created_at_idx" ON "posts" ("status", "created_at");
RESET max_parallel_maintenance_workers;
RESET statement_timeout;
RESET lock_timeout;
