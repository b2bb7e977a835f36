-- expect: none
-- source: strong_migrations "adding a foreign key" / "adding a check constraint" (the safe form)
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "posts" ADD CONSTRAINT "posts_author_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") NOT VALID;
ALTER TABLE "posts" ADD CONSTRAINT "posts_title_length" CHECK (length("title") < 500) NOT VALID;
