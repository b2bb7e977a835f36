-- expect: ban-create-domain-with-constraint
-- source: squawk ban-create-domain-with-constraint
SET lock_timeout = '3s';
SET statement_timeout = '5s';
CREATE DOMAIN "email" AS TEXT CHECK (VALUE LIKE '%@%');
