-- expect: adding-serial-primary-key-field
-- source: strong_migrations "adding a primary key"; squawk adding-primary-key-constraint
-- squawk used to say "add NOT VALID", which PostgreSQL refuses for a primary key; the kit drops that advice.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "post_tags" ADD CONSTRAINT "post_tags_pkey" PRIMARY KEY ("post_id", "tag");
