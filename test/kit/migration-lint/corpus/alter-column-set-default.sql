-- expect: none
-- source: Eugene (catalog-only ALTER)
-- Catalog-only: existing rows keep their values.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "posts" ALTER COLUMN "status" SET DEFAULT 'DRAFT';
