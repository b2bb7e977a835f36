-- expect: renaming-column
-- source: strong_migrations "renaming a column"; squawk renaming-column
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "users" RENAME COLUMN "name" TO "display_name";
