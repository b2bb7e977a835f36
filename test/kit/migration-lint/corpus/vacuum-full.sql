-- expect: require-lock-timeout, require-statement-timeout, table-rewrite
-- source: Eugene (rewrites under ACCESS EXCLUSIVE)
-- VACUUM FULL rewrites the table under ACCESS EXCLUSIVE (squawk reports it only for some shapes).
VACUUM FULL "posts";
