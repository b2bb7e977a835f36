-- expect: none
-- source: the kit (statements are read with PostgreSQL's parser, not as text); strong_migrations "adding a json column" (a false alarm to avoid)
-- A text column whose default mentions json: PostgreSQL's parser sees a text column, not a json one.
CREATE TABLE "exports" (
  "id" BIGSERIAL PRIMARY KEY,
  "format" TEXT NOT NULL DEFAULT 'raw json'
);
