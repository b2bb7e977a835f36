-- expect: none
-- source: strong_migrations "adding a unique constraint" (the safe form); squawk disallowed-unique-constraint
-- Step 2 of the safe form: the index was built CONCURRENTLY before, this is catalog-only.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "users" ADD CONSTRAINT "users_display_name_key" UNIQUE USING INDEX "users_display_name_key";
