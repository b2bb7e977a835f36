-- expect: enum-value-unknown-to-running-release, require-enum-value-ordering
-- source: squawk require-enum-value-ordering; Eugene (ALTER TYPE is catalog-only); Prisma 7.10.1 rejects an enum value its client doesn't know
-- Catalog-only outside a transaction (this file is split); squawk asks where the value sorts, and
-- the kit asks that the release running during the rollout never reads it.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TYPE "PostStatus" ADD VALUE IF NOT EXISTS 'REVIEW';
