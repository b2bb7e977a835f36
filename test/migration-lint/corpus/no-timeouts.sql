-- expect: require-lock-timeout, require-statement-timeout
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "nickname" TEXT;
