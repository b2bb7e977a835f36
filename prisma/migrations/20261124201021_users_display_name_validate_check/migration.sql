-- Pattern: rename by expand and contract, step 4: validate the CHECK against existing rows.
-- Lock: SHARE UPDATE EXCLUSIVE on users for the length of a full scan; reads and writes go on.
--   Its own migration so that a slow scan neither holds step 3's brief exclusive lock nor rolls
--   it back if it times out.
-- Ships before: step 3 (users_display_name_check_not_valid). Re-running it is a no-op.
SET lock_timeout = '3s';
SET statement_timeout = '30min';
ALTER TABLE "users" VALIDATE CONSTRAINT "users_display_name_not_null";
RESET statement_timeout;
RESET lock_timeout;
