-- expect: adding-not-nullable-field
-- source: strong_migrations "setting NOT NULL on an existing column"; squawk adding-not-nullable-field; Eugene E2
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "users" ALTER COLUMN "name" SET NOT NULL;
