-- Pattern: corpus case: a hand-written migration must survive a re-run
-- expect: prefer-robust-stmts
-- source: squawk prefer-robust-stmts
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TABLE "users" ADD COLUMN "nickname" TEXT;
