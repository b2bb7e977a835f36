-- expect: require-lock-timeout
-- source: squawk require-timeout-settings; Eugene E9 (lock_timeout = 0 disables it)
-- lock_timeout = 0 disables the timeout: the ALTER may queue every writer behind it forever.
SET lock_timeout = 0;
SET statement_timeout = '5s';
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "nickname" TEXT;
