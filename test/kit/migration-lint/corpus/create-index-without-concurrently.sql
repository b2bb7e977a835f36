-- expect: require-concurrent-index-creation
-- source: strong_migrations "adding an index non-concurrently"; squawk require-concurrent-index-creation; Eugene E6
SET lock_timeout = '3s';
SET statement_timeout = '5s';
CREATE INDEX IF NOT EXISTS "posts_title_idx" ON "posts" ("title");
