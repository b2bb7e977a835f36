-- Pattern: index without blocking writes (CREATE INDEX CONCURRENTLY). PostgreSQL refuses
--   CONCURRENTLY inside a transaction block, so every statement in this file must parse with
--   the native engine's SQL parser: then the engine sends them one by one, each committing on
--   its own. One statement it cannot parse (a DO block, DROP INDEX CONCURRENTLY) and it sends the
--   whole file as one implicit transaction, which fails with 25001
--   (docs/migrations/how-prisma-runs-a-migration.md; the linter checks it).
-- Lock: SHARE UPDATE EXCLUSIVE on posts for the whole build: inserts, updates and deletes go on;
--   the build waits for transactions already touching posts to finish, twice. lock_timeout
--   bounds the wait for the lock itself; statement_timeout (1h) bounds the build.
-- Ships before: nothing. schema.prisma declares the same index (@@index([status, createdAt])), so
--   Migrate sees no drift.
-- Re-run after a failed build: a build that fails half-way leaves an INVALID index of this name,
--   which IF NOT EXISTS would keep. `npm run migrate:recover` drops it (DROP INDEX CONCURRENTLY,
--   on its own) before it retries; a guard in this file would turn the file into one transaction.
SET lock_timeout = '5s';
SET statement_timeout = '1h';
-- One build process: parallel workers take every core and the app's writes wait for CPU
-- (bench:locks, 1M rows on 2 cores: longest write 8-13 ms parallel, about 5 ms serial, for a
-- build about 10% slower). On a large server raise it if build time matters more.
SET max_parallel_maintenance_workers = 0;
CREATE INDEX CONCURRENTLY IF NOT EXISTS "posts_status_created_at_idx" ON "posts" ("status", "created_at");
RESET max_parallel_maintenance_workers;
RESET statement_timeout;
RESET lock_timeout;
