-- expect: prefer-timestamp-tz
-- source: squawk prefer-timestamp-tz
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "seen_at" TIMESTAMP(3);
