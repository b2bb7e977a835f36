-- expect: none
-- source: Eugene (SHARE ROW EXCLUSIVE, brief)
-- Brief SHARE ROW EXCLUSIVE, bounded by the lock_timeout above.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
CREATE TRIGGER "posts_touch" BEFORE UPDATE ON "posts" FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
