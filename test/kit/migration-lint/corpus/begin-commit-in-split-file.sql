-- expect: begin-in-split-file
-- source: the kit (how Prisma's native engine runs a split file); squawk transaction-nesting
-- Every statement parses, so the native engine runs them one by one; a failure after BEGIN
-- leaves its connection in an aborted transaction and the cause is never recorded.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
BEGIN;
ALTER TABLE "posts" ADD COLUMN IF NOT EXISTS "slug" TEXT;
ALTER TABLE "posts" ADD COLUMN IF NOT EXISTS "summary" TEXT;
COMMIT;
RESET statement_timeout;
RESET lock_timeout;
