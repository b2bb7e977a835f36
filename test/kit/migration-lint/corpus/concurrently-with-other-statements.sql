-- expect: concurrently-not-alone
-- source: the kit (native engine: CONCURRENTLY alone in its file)
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "posts" ADD COLUMN IF NOT EXISTS "slug" TEXT;
CREATE INDEX CONCURRENTLY IF NOT EXISTS "posts_slug_idx" ON "posts" ("slug");
