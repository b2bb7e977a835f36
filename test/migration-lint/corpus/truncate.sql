-- expect: ban-truncate
SET lock_timeout = '3s';
SET statement_timeout = '5s';
TRUNCATE "posts";
