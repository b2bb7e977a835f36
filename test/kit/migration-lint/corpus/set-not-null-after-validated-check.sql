-- expect: none
-- source: strong_migrations "setting NOT NULL on an existing column" (the safe form); Eugene E2
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "users" ADD CONSTRAINT "users_name_not_null" CHECK ("name" IS NOT NULL) NOT VALID;
ALTER TABLE "users" VALIDATE CONSTRAINT "users_name_not_null";
ALTER TABLE "users" ALTER COLUMN "name" SET NOT NULL;
