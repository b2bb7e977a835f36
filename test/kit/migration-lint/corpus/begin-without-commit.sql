-- expect: ban-uncommitted-transaction, begin-in-split-file
-- source: squawk ban-uncommitted-transaction
-- A BEGIN with no COMMIT: the native engine runs the file split, so the ALTER's lock is held until the engine's connection ends, and whether the change commits depends on what the engine sends next.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
BEGIN;
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "nickname" TEXT;
