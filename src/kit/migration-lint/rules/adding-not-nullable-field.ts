/**
 * squawk's `adding-not-nullable-field` (SET NOT NULL scans the table), exempt when a validated
 * `CHECK (col IS NOT NULL)` exists, in this migration or an earlier one: PostgreSQL then skips
 * the scan (the phased NOT NULL pattern's last step).
 */
import { alterCommands } from '../../sql/parse-statements.ts';
import { ownTable } from '../../sql/statement-shapes.ts';
import type { SquawkRule } from '../rule.ts';
import { NOT_NULL } from './playbooks.ts';

export const addingNotNullableField: SquawkRule = {
  kind: 'squawk',
  name: 'adding-not-nullable-field',
  lock: 'ACCESS EXCLUSIVE on the table for a full scan: reads and writes wait',
  fix: `CHECK (col IS NOT NULL) NOT VALID, VALIDATE in its own migration, then SET NOT NULL (${NOT_NULL})`,
  exempt(statement, file) {
    const column = alterCommands(statement).find((cmd) => cmd.subtype === 'AT_SetNotNull')?.name;
    return column !== undefined && file.factsBefore(statement).validatedNotNull.has(`${ownTable(statement)}.${column}`);
  },
};
