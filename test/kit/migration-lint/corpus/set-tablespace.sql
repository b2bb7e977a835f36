-- expect: table-rewrite
-- source: Eugene (rewrites under ACCESS EXCLUSIVE)
-- Moving a table copies every block under ACCESS EXCLUSIVE.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "posts" SET TABLESPACE "fast_ssd";
