-- expect: ban-alter-domain-with-add-constraint
-- source: squawk ban-alter-domain-with-add-constraint
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER DOMAIN "email" ADD CONSTRAINT "email_has_at" CHECK (VALUE LIKE '%@%');
