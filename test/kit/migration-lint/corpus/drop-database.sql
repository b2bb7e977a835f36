-- expect: ban-drop-database
-- source: squawk ban-drop-database
SET lock_timeout = '3s';
SET statement_timeout = '5s';
DROP DATABASE IF EXISTS "old_reports";
