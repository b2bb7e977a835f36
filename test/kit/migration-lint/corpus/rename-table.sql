-- expect: renaming-table
-- source: strong_migrations "renaming a table"; squawk renaming-table
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "posts" RENAME TO "articles";
