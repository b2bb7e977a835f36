-- expect: require-concurrent-index-creation
-- source: squawk require-concurrent-index-creation; strong_migrations "adding an index non-concurrently" (inside a DO block, which squawk reads as one opaque statement)
-- A guard around a plain CREATE INDEX: the build still holds SHARE on posts; the SQL in the DO is linted as if it stood there.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = 'posts_title_idx') THEN
    CREATE INDEX "posts_title_idx" ON "posts" ("title");
  END IF;
END $$;
