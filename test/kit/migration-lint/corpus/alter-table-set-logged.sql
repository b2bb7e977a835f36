-- expect: table-rewrite
-- source: Eugene (rewrites under ACCESS EXCLUSIVE)
-- SET LOGGED writes the whole table into the WAL under ACCESS EXCLUSIVE.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "posts" SET LOGGED;
