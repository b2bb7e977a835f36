-- expect: refresh-without-concurrently
-- source: strong_migrations "refreshing a materialized view"
SET lock_timeout = '3s';
SET statement_timeout = '5s';
REFRESH MATERIALIZED VIEW "post_stats";
