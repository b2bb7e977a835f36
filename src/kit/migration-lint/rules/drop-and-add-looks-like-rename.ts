/**
 * `drop-and-add-looks-like-rename`: one file drops a column of a table and adds another of the
 * same (or a wider) type to it. That is what `prisma migrate dev` writes when a field is renamed
 * (`DROP COLUMN "a", ADD COLUMN "b"`, prisma/prisma#4245, #7710): every value of `a` is lost. The
 * way out is to keep the column (`@map("a")` on the renamed field: no migration at all) or to
 * rename by expand and contract.
 */
import { alterCommands, type ParsedStatement } from '../../sql/parse-statements.ts';
import { ownTable } from '../../sql/statement-shapes.ts';
import { type ColumnType, columnType, onlyWidens } from '../history-facts.ts';
import type { LintedFile } from '../linted-file.ts';
import type { FileRule, Hit } from '../rule.ts';
import { RENAME } from './playbooks.ts';

const sameOrWider = (from: ColumnType, to: ColumnType) =>
  (from.name === to.name && from.modifiers.join() === to.modifiers.join()) || onlyWidens(from, to);

interface ColumnChange {
  statement: ParsedStatement;
  table: string;
  column: string;
  type?: ColumnType;
}

function columnChanges(file: LintedFile, subtype: 'AT_DropColumn' | 'AT_AddColumn'): ColumnChange[] {
  return file.statements.flatMap((statement) => {
    const table = ownTable(statement);
    if (table === undefined) return [];
    return alterCommands(statement)
      .filter((cmd) => cmd.subtype === subtype)
      .map((cmd) =>
        subtype === 'AT_DropColumn'
          ? {
              statement,
              table,
              column: cmd.name,
              type: file.factsBefore(statement).columnTypes.get(`${table}.${cmd.name}`),
            }
          : { statement, table, column: cmd.def.ColumnDef.colname, type: columnType(cmd.def.ColumnDef.typeName) },
      );
  });
}

export const dropAndAddLooksLikeRename: FileRule = {
  kind: 'file',
  name: 'drop-and-add-looks-like-rename',
  lock: 'ACCESS EXCLUSIVE, brief; but every value of the dropped column is gone, and the new one starts empty',
  fix: `keep the column and rename only the field (\`newName Type @map("old_name")\`: no migration at all), or rename by expand and contract (npm run migrate:lint -- --fix --rename <table>.<old>:<table>.<new>; ${RENAME})`,
  check(file): Hit[] {
    const added = columnChanges(file, 'AT_AddColumn');
    return columnChanges(file, 'AT_DropColumn').flatMap((dropped) => {
      const twins = added.filter(
        (column) =>
          column.table === dropped.table && dropped.type && column.type && sameOrWider(dropped.type, column.type),
      );
      if (twins.length === 0) return [];
      const names = twins.map((twin) => twin.column).join(' or ');
      return [
        {
          line: dropped.statement.line,
          message: `this drops ${dropped.table}.${dropped.column} and adds ${names} of the same type: if that is a rename, every value of ${dropped.column} is lost`,
        },
      ];
    });
  },
};
