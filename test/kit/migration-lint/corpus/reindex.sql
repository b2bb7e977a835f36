-- expect: require-concurrent-reindex
-- source: strong_migrations "reindexing"; squawk require-concurrent-reindex
SET lock_timeout = '3s';
SET statement_timeout = '5s';
REINDEX INDEX "posts_status_created_at_idx";
