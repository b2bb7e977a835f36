-- expect: squawk-ignore-comment
SET lock_timeout = '3s';
SET statement_timeout = '5s';
-- squawk-ignore ban-drop-column
ALTER TABLE "users" DROP COLUMN IF EXISTS "name";
