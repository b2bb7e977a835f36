-- expect: adding-not-nullable-field
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "users" ALTER COLUMN "name" SET NOT NULL;
