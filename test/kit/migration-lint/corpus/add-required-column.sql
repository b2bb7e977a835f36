-- expect: adding-required-field
-- source: squawk adding-required-field
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "users" ADD COLUMN "nickname" TEXT NOT NULL;
