-- expect: require-concurrent-index-creation
-- source: strong_migrations "creating a table with the force option"
-- IF NOT EXISTS may meet the existing, busy posts: the index after it is not on a new table.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
CREATE TABLE IF NOT EXISTS "posts" ("id" BIGSERIAL PRIMARY KEY);
CREATE INDEX "posts_title_idx" ON "posts" ("title");
