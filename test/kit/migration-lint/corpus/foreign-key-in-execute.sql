-- expect: adding-foreign-key-constraint, constraint-missing-not-valid
-- source: strong_migrations "adding a foreign key"; squawk adding-foreign-key-constraint (in a DO block's EXECUTE of a literal)
-- A literal EXECUTE string is SQL too; only statements built at run time can't be read.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
DO $$
BEGIN
  EXECUTE 'ALTER TABLE "posts" ADD CONSTRAINT "posts_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id")';
END $$;
