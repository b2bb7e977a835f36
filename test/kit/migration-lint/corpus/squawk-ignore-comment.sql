-- expect: squawk-ignore-comment
-- source: the kit (silencing needs a reason)
SET lock_timeout = '3s';
SET statement_timeout = '5s';
-- squawk-ignore ban-drop-column
ALTER TABLE "users" DROP COLUMN IF EXISTS "name";
