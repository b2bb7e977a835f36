-- expect: adding-foreign-key-constraint, constraint-missing-not-valid
-- source: a common hand-written guard (eight public apps' histories: two crashed the linter on it); squawk adding-foreign-key-constraint
-- The statement inside the guard spans lines, after another one: findings still point at the DO.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'posts_author_id_fkey') THEN
    ALTER TABLE "posts"
      ADD CONSTRAINT "posts_author_id_fkey"
      FOREIGN KEY ("author_id") REFERENCES "users"("id")
      ON DELETE CASCADE ON UPDATE CASCADE;
  END IF;
END $$;
