-- expect: table-rewrite
-- source: Eugene (rewrites under ACCESS EXCLUSIVE)
SET lock_timeout = '3s';
SET statement_timeout = '5s';
CLUSTER "posts" USING "posts_pkey";
