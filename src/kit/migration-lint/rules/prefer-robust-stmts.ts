/**
 * squawk's `prefer-robust-stmts`, asked only of files `migrate:new` scaffolded (a `-- Pattern:`
 * header): Prisma generates the others and records a failed one for `migrate resolve`. Not asked
 * inside a DO block (the DO is the statement's re-run guard: IF NOT EXISTS … THEN), nor of
 * statements that give the same result when run twice.
 */
import { rerunsAsItIs } from '../../sql/rerunnable.ts';
import type { SquawkRule } from '../rule.ts';
import { RULES_OF_THE_FILE } from './playbooks.ts';

export const preferRobustStmts: SquawkRule = {
  kind: 'squawk',
  name: 'prefer-robust-stmts',
  lock: 'none; a re-run after a partial failure fails on what already exists',
  fix: `IF [NOT] EXISTS, or a DO block that checks the catalog (${RULES_OF_THE_FILE})`,
  exempt: (statement, file, inDoBlock) => inDoBlock || !file.scaffolded || rerunsAsItIs(statement),
};
