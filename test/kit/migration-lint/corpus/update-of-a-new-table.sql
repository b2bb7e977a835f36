-- expect: none
-- source: strong_migrations "backfilling data" (a table created in the same file)
-- Rows of a table created in the same file belong to nobody yet.
CREATE TABLE "settings" ("key" TEXT PRIMARY KEY, "value" TEXT);
INSERT INTO "settings" VALUES ('theme', 'light');
UPDATE "settings" SET "value" = 'dark' WHERE "key" = 'theme';
