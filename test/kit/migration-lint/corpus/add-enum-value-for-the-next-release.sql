-- expect: none
-- source: the kit (an enum value shipped before the release that writes it)
-- The safe form: the value sorts where it says, and the lint-ignore names the release that writes it.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
-- lint-ignore enum-value-unknown-to-running-release: this release adds REVIEW to the client and never writes it; release 2026.12.2 does
ALTER TYPE "PostStatus" ADD VALUE IF NOT EXISTS 'REVIEW' AFTER 'DRAFT';
