-- expect: explicit-lock
-- source: Eugene E4 (long lock), strong_migrations "executing SQL directly"
SET lock_timeout = '3s';
SET statement_timeout = '5s';
LOCK TABLE "posts" IN ACCESS EXCLUSIVE MODE;
