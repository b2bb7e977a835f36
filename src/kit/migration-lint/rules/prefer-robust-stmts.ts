/**
 * squawk's `prefer-robust-stmts`, asked only of files `migrate:new` scaffolded (a `-- Pattern:`
 * header): Prisma generates the others and records a failed one for `migrate resolve`. Not asked
 * inside a DO block (the DO is the statement's re-run guard: IF NOT EXISTS … THEN), nor of
 * statements that give the same result when run twice.
 */
import { alterCommands, type ParsedStatement } from '../../sql/parse-statements.ts';
import type { SquawkRule } from '../rule.ts';
import { RULES_OF_THE_FILE } from './playbooks.ts';

/**
 * Statements that give the same result when run twice, so a re-run after a partial failure is
 * safe without IF [NOT] EXISTS (squawk asks for a transaction around them instead, which the
 * native engine's split execution makes a trap: see begin-in-split-file).
 */
const RERUNNABLE = new Set(['AT_ValidateConstraint', 'AT_ColumnDefault', 'AT_SetNotNull', 'AT_DropNotNull']);
const rerunsAsItIs = (statement: ParsedStatement) => {
  const cmds = alterCommands(statement);
  return cmds.length > 0 && cmds.every((cmd) => RERUNNABLE.has(cmd.subtype));
};

export const preferRobustStmts: SquawkRule = {
  kind: 'squawk',
  name: 'prefer-robust-stmts',
  lock: 'none; a re-run after a partial failure fails on what already exists',
  fix: `IF [NOT] EXISTS, or a DO block that checks the catalog (${RULES_OF_THE_FILE})`,
  exempt: (statement, file, inDoBlock) => inDoBlock || !file.scaffolded || rerunsAsItIs(statement),
};
