-- expect: adding-serial-column
-- Not "required" and not catalog-only: every existing row gets its nextval(), by rewriting posts.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "posts" ADD COLUMN "position" SERIAL NOT NULL;
