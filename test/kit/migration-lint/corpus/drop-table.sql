-- expect: ban-drop-table
-- source: squawk ban-drop-table
SET lock_timeout = '3s';
SET statement_timeout = '5s';
DROP TABLE IF EXISTS "posts";
