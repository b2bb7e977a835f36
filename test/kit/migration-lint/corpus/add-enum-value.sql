-- expect: require-enum-value-ordering
-- source: squawk require-enum-value-ordering; Eugene (ALTER TYPE is catalog-only)
-- Catalog-only outside a transaction (this file is split); squawk asks where the value sorts.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TYPE "PostStatus" ADD VALUE IF NOT EXISTS 'REVIEW';
