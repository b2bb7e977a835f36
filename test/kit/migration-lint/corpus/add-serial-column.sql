-- expect: adding-serial-column
-- source: strong_migrations "adding an auto-incrementing column"; squawk adding-serial-primary-key-field
-- Not "required" and not catalog-only: every existing row gets its nextval(), by rewriting posts.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "posts" ADD COLUMN "position" SERIAL NOT NULL;
