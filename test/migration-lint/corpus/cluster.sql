-- expect: table-rewrite
SET lock_timeout = '3s';
SET statement_timeout = '5s';
CLUSTER "posts" USING "posts_pkey";
