-- expect: changing-column-type, prefer-text-field
-- source: strong_migrations "changing the type of a column" (safe: increasing varchar length); squawk changing-column-type, prefer-text-field
-- Widening does not rewrite, but one file does not say what the limit was: flagged, like raise-timestamptz-precision.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "users" ALTER COLUMN "email" SET DATA TYPE VARCHAR(500);
