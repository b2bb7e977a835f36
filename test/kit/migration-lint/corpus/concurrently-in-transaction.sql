-- expect: ban-concurrent-index-creation-in-transaction, begin-in-split-file, concurrently-not-alone
-- source: squawk ban-concurrent-index-creation-in-transaction
SET lock_timeout = '3s';
SET statement_timeout = '5s';
BEGIN;
CREATE INDEX CONCURRENTLY IF NOT EXISTS "posts_title_idx" ON "posts" ("title");
COMMIT;
