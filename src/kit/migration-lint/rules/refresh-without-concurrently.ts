/** `refresh-without-concurrently`: REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks the view's readers. */
import { type FileRule, hitsPerStatement } from '../rule.ts';

export const refreshWithoutConcurrently: FileRule = {
  kind: 'file',
  name: 'refresh-without-concurrently',
  lock: 'ACCESS EXCLUSIVE on the materialized view while it is recomputed: every reader of it waits',
  fix: 'REFRESH MATERIALIZED VIEW CONCURRENTLY (it needs a unique index on the view), in a migration of its own or from a scheduled job',
  check: (file) =>
    hitsPerStatement(file, ({ kind, body }) =>
      kind === 'RefreshMatViewStmt' && !body.concurrent
        ? 'REFRESH MATERIALIZED VIEW without CONCURRENTLY holds ACCESS EXCLUSIVE on the view: its readers wait'
        : undefined,
    ),
};
