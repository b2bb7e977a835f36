-- expect: adding-field-with-default
-- source: strong_migrations "adding a column with a volatile default value"; squawk adding-field-with-default
-- gen_random_uuid() differs per row, so every existing row is rewritten.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "posts" ADD COLUMN IF NOT EXISTS "token" UUID DEFAULT gen_random_uuid();
