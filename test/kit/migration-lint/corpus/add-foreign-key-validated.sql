-- expect: adding-foreign-key-constraint, constraint-missing-not-valid
-- source: strong_migrations "adding a foreign key"; squawk adding-foreign-key-constraint; Eugene E1
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "posts" ADD CONSTRAINT "posts_author_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id");
