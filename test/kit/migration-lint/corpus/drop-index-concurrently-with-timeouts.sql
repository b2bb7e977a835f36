-- expect: refused-in-one-transaction
-- source: the kit (native engine: sqlparser cannot parse DROP INDEX CONCURRENTLY)
-- sqlparser 0.61 cannot parse DROP INDEX CONCURRENTLY, so with anything beside it the native
-- engine sends the file whole, and PostgreSQL refuses it in that transaction.
SET lock_timeout = '5s';
SET statement_timeout = '10min';
DROP INDEX CONCURRENTLY IF EXISTS "posts_author_id_idx";
RESET statement_timeout;
RESET lock_timeout;
