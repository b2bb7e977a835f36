-- expect: ignore-without-reason, ban-drop-column
-- source: the kit (lint-ignore needs a reason)
SET lock_timeout = '3s';
SET statement_timeout = '5s';
-- lint-ignore ban-drop-column
ALTER TABLE "users" DROP COLUMN IF EXISTS "name";
