-- expect: prefer-jsonb
-- source: strong_migrations "adding a json column"
-- Catalog-only, but json has no equality: DISTINCT or GROUP BY on it fail at run time.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "posts" ADD COLUMN IF NOT EXISTS "meta" JSON;
