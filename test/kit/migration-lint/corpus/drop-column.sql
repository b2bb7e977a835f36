-- expect: ban-drop-column
-- source: strong_migrations "removing a column"; squawk ban-drop-column
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "users" DROP COLUMN IF EXISTS "name";
