-- expect: require-concurrent-index-deletion
-- source: squawk require-concurrent-index-deletion
SET lock_timeout = '3s';
SET statement_timeout = '5s';
DROP INDEX IF EXISTS "posts_status_created_at_idx";
