-- expect: refused-in-one-transaction
-- source: strong_migrations "reindexing"; squawk require-concurrent-reindex
-- sqlparser cannot parse REINDEX CONCURRENTLY, so with SETs beside it the native engine sends the file whole; alone in its file it is fine.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
REINDEX INDEX CONCURRENTLY "posts_status_created_at_idx";
