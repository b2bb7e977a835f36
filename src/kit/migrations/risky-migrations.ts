/**
 * Which pending migrations deserve a backup first: the ones that destroy or rewrite data, which
 * no down migration can bring back. Everything else the kit's patterns do is additive. Read with
 * PostgreSQL's parser (src/kit/sql/parse-statements.ts), DO bodies included.
 */
import { alterCommands, effectiveStatements, type ParsedStatement, type SqlParsers } from '../sql/parse-statements.ts';

const DROPPED: Record<string, string> = {
  OBJECT_TABLE: 'drops a table',
  OBJECT_SCHEMA: 'drops a schema',
  OBJECT_TYPE: 'drops a type',
  OBJECT_MATVIEW: 'drops a materialized view',
};

function destroys(statement: ParsedStatement): string | undefined {
  const { kind, body } = statement;
  if (kind === 'DropStmt') return DROPPED[body.removeType];
  if (kind === 'TruncateStmt') return 'truncates a table';
  if (kind === 'DeleteStmt') return 'deletes rows';
  if (kind === 'UpdateStmt') return 'updates rows';
  const cmds = alterCommands(statement);
  if (cmds.some((cmd) => cmd.subtype === 'AT_DropColumn')) return 'drops a column';
  if (cmds.some((cmd) => cmd.subtype === 'AT_AlterColumnType')) return 'changes a column type';
  return undefined;
}

/**
 * One line per destructive statement, with its line number; empty when the migration is additive.
 * A statement PostgreSQL can't parse is reported too: nobody can say what it does.
 */
export function riskyStatements(parsers: SqlParsers, sql: string): string[] {
  return parsers.parseStatements(sql).flatMap((statement) => {
    if (statement.error !== undefined) return [`line ${statement.line} does not parse (${statement.error})`];
    const reason = effectiveStatements(statement).map(destroys).find(Boolean);
    return reason ? [`line ${statement.line} ${reason}`] : [];
  });
}
