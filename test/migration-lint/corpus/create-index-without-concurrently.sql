-- expect: require-concurrent-index-creation
SET lock_timeout = '3s';
SET statement_timeout = '5s';
CREATE INDEX IF NOT EXISTS "posts_title_idx" ON "posts" ("title");
