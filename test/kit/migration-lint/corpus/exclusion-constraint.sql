-- expect: exclusion-constraint
-- source: strong_migrations "adding an exclusion constraint"
-- squawk says "add NOT VALID", which PostgreSQL refuses for EXCLUDE; the kit says what is true.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "posts" ADD CONSTRAINT "posts_no_overlap" EXCLUDE USING gist ("author_id" WITH =);
