-- expect: breaking-rename
-- source: strong_migrations "renaming a schema"
ALTER SCHEMA "reporting" RENAME TO "analytics";
