-- expect: ban-drop-not-null
-- source: squawk ban-drop-not-null
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "users" ALTER COLUMN "display_name" DROP NOT NULL;
