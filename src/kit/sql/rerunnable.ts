/**
 * Whether a statement can run a second time after it committed once, with the same result: what
 * decides if a split migration that failed half-way may simply run again (the deploy's retry on a
 * lock timeout) and what the linter's `prefer-robust-stmts` exempts. Read from the parse tree.
 */
import { alterCommands, type ParsedStatement } from './parse-statements.ts';

/**
 * ALTER TABLE commands that give the same result when run twice, so a re-run after a partial
 * failure is safe without IF [NOT] EXISTS (squawk asks for a transaction around them instead,
 * which the native engine's split execution makes a trap: see begin-in-split-file).
 */
const RERUNNABLE_COMMANDS = new Set(['AT_ValidateConstraint', 'AT_ColumnDefault', 'AT_SetNotNull', 'AT_DropNotNull']);

export const rerunsAsItIs = (statement: ParsedStatement) => {
  const cmds = alterCommands(statement);
  return cmds.length > 0 && cmds.every((cmd) => RERUNNABLE_COMMANDS.has(cmd.subtype));
};

/**
 * A statement whose second run does what its first did, or nothing: a setting, IF [NOT] EXISTS,
 * CREATE OR REPLACE, the commands above, or a DO block (the kit's DO blocks are the catalog
 * checks that guard a statement; the linter reads the SQL inside as if it stood there).
 */
export function isRerunnable(statement: ParsedStatement): boolean {
  const { kind, body } = statement;
  if (kind === 'VariableSetStmt' || kind === 'DoStmt') return true;
  if (kind === 'CreateStmt' || kind === 'IndexStmt' || kind === 'CreateSeqStmt' || kind === 'CreateSchemaStmt')
    return Boolean(body.if_not_exists);
  if (kind === 'CreateFunctionStmt' || kind === 'CreateTrigStmt' || kind === 'ViewStmt') return Boolean(body.replace);
  if (kind === 'DropStmt') return Boolean(body.missing_ok);
  if (kind === 'AlterTableStmt') {
    const cmds = alterCommands(statement);
    return (
      cmds.length > 0 &&
      cmds.every(
        (cmd) =>
          RERUNNABLE_COMMANDS.has(cmd.subtype) ||
          ((cmd.subtype === 'AT_AddColumn' || cmd.subtype === 'AT_DropColumn' || cmd.subtype === 'AT_DropConstraint') &&
            Boolean(cmd.missing_ok)),
      )
    );
  }
  return false;
}
