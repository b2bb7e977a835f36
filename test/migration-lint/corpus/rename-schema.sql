-- expect: breaking-rename
ALTER SCHEMA "reporting" RENAME TO "analytics";
