-- expect: none
-- source: the kit (lint-ignore with a reason)
SET lock_timeout = '3s';
SET statement_timeout = '5s';
-- lint-ignore ban-drop-column: release 2026.11 stopped reading users.name (docs/migrations/drop-last.md)
ALTER TABLE "users" DROP COLUMN IF EXISTS "name";
