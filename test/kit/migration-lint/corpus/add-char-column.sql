-- expect: ban-char-field
-- source: squawk ban-char-field
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "country" CHAR(2);
