-- expect: refused-in-one-transaction
-- source: the kit (native engine: a file that does not parse runs whole)
-- The DO block makes the native engine send the file whole; VACUUM refuses a transaction.
SET lock_timeout = '3s';
SET statement_timeout = '5min';
DO $$ BEGIN PERFORM 1; END $$;
VACUUM ANALYZE "posts";
RESET statement_timeout;
RESET lock_timeout;
