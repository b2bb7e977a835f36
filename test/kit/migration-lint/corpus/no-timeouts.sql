-- expect: require-lock-timeout, require-statement-timeout
-- source: squawk require-timeout-settings; Eugene E9
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "nickname" TEXT;
