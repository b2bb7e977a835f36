-- expect: disallowed-unique-constraint
-- source: strong_migrations "adding a unique constraint"; squawk disallowed-unique-constraint; Eugene E1
-- Builds the index under ACCESS EXCLUSIVE. Not "add NOT VALID": PostgreSQL refuses it for UNIQUE. `--fix` rewrites it.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "users" ADD CONSTRAINT "users_display_name_key" UNIQUE ("display_name");
