-- expect: refused-in-one-transaction
-- The DO block makes the native engine send the file whole; VACUUM refuses a transaction.
SET lock_timeout = '3s';
SET statement_timeout = '5min';
DO $$ BEGIN PERFORM 1; END $$;
VACUUM ANALYZE "posts";
RESET statement_timeout;
RESET lock_timeout;
