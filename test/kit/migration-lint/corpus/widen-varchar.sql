-- expect: prefer-text-field
-- source: strong_migrations "changing the type of a column" (safe: increasing varchar length); squawk changing-column-type, prefer-text-field
-- Widening rewrites nothing, and the linter knows the limit was 20 from the statement before; squawk still prefers text.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "handle" VARCHAR(20);
ALTER TABLE "users" ALTER COLUMN "handle" SET DATA TYPE VARCHAR(40);
