-- expect: none
-- source: squawk require-concurrent-index-deletion (the safe form)
-- Alone in its file, one statement is one query with no transaction block around it.
DROP INDEX CONCURRENTLY IF EXISTS "posts_author_id_idx";
