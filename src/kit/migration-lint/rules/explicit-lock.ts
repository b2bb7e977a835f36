/** `explicit-lock`: LOCK TABLE holds its lock to the end of the transaction; in a split file PostgreSQL refuses it outside one. */
import { type FileRule, hitsPerStatement } from '../rule.ts';
import { RULES_OF_THE_FILE } from './playbooks.ts';

export const explicitLock: FileRule = {
  kind: 'file',
  name: 'explicit-lock',
  lock: 'whatever mode it names, until the transaction ends; outside one (a split file) PostgreSQL refuses it and the deploy fails',
  fix: `drop it: each statement takes the lock it needs, and SET lock_timeout bounds the wait (${RULES_OF_THE_FILE})`,
  check: (file) =>
    hitsPerStatement(file, ({ kind }) =>
      kind === 'LockStmt'
        ? 'LOCK TABLE holds its lock until the transaction ends; split by the native engine, it is refused outside a transaction block (25P01)'
        : undefined,
    ),
};
