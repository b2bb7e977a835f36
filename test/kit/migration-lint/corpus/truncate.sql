-- expect: ban-truncate
-- source: squawk ban-truncate-cascade (and plain TRUNCATE)
SET lock_timeout = '3s';
SET statement_timeout = '5s';
TRUNCATE "posts";
