-- expect: breaking-rename
-- source: the kit (breaks the running release); strong_migrations "renaming a table" by analogy
-- Prisma Client casts enum values to the type by name ($1::"PostStatus"): the running release fails once it is renamed.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
ALTER TYPE "PostStatus" RENAME TO "PostState";
