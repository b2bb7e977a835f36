-- expect: breaking-rename
-- source: the kit (breaks the running release); strong_migrations "renaming a column" by analogy
-- Instant, but the running release still writes 'ARCHIVED' and fails from then on.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TYPE "post_status" RENAME VALUE 'ARCHIVED' TO 'HIDDEN';
