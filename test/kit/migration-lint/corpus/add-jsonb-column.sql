-- expect: none
-- source: strong_migrations "adding a json column" (the safe form)
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "posts" ADD COLUMN IF NOT EXISTS "meta" JSONB;
