-- expect: none
-- source: Eugene W12 (multiple ALTER TABLE statements where one will do)
-- Allowed on purpose: each ALTER here is catalog-only, so there is no second scan to save; split by the native engine, each commits alone and a re-run resumes. ALTERs that scan are each flagged on their own (set-not-null-with-scan).
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "posts" ADD COLUMN IF NOT EXISTS "subtitle" TEXT;
ALTER TABLE "posts" ADD COLUMN IF NOT EXISTS "summary" TEXT;
