-- expect: begin-in-split-file
-- source: squawk require-timeout-settings (SET LOCAL counts)
-- SET LOCAL inside the file's own transaction counts as the statements' timeouts; the BEGIN is
-- flagged for what it does to a failure under the native engine, not for missing timeouts.
BEGIN;
SET LOCAL lock_timeout = '3s';
SET LOCAL statement_timeout = '5s';
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "nickname" TEXT;
COMMIT;
