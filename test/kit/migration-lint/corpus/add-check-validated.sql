-- expect: constraint-missing-not-valid
-- source: strong_migrations "adding a check constraint"; squawk constraint-missing-not-valid
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "posts" ADD CONSTRAINT "posts_title_length" CHECK (length("title") < 500);
