/** `prefer-jsonb`: a json column has no equality, so DISTINCT, GROUP BY, UNION and unique indexes on it fail. */
import { alterCommands, lastName, type Node, type ParsedStatement } from '../../sql/parse-statements.ts';
import { type FileRule, hitsPerStatement } from '../rule.ts';

/** Every column definition a statement writes: CREATE TABLE's, ADD COLUMN's, and ALTER … TYPE's. */
function columnDefinitions(statement: ParsedStatement): Node[] {
  if (statement.kind === 'CreateStmt')
    return (statement.body.tableElts ?? []).flatMap((element: Node) => element.ColumnDef ?? []);
  return alterCommands(statement)
    .filter((cmd) => cmd.subtype === 'AT_AddColumn' || cmd.subtype === 'AT_AlterColumnType')
    .map((cmd) => cmd.def.ColumnDef);
}

export const preferJsonb: FileRule = {
  kind: 'file',
  name: 'prefer-jsonb',
  lock: "none; but json values can't be compared: DISTINCT, GROUP BY, UNION and unique indexes on the column fail",
  fix: 'use jsonb (Prisma: Json maps to jsonb unless @db.Json says otherwise)',
  check: (file) =>
    hitsPerStatement(file, (statement) =>
      columnDefinitions(statement).some((column) => lastName(column.typeName?.names) === 'json')
        ? 'json has no equality: DISTINCT, GROUP BY, UNION and unique indexes on it fail at run time'
        : undefined,
    ),
};
