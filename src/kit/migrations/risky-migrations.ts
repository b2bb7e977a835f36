/**
 * Which pending migrations deserve a backup first: the ones that destroy or rewrite data, which
 * no down migration can bring back. Everything else the kit's patterns do is additive.
 */
import { splitSqlStatements, stripComments } from '../sql/split-statements.ts';

const DESTRUCTIVE: Array<[RegExp, string]> = [
  [/^DROP\s+(TABLE|SCHEMA|TYPE|MATERIALIZED\s+VIEW)\b/i, 'drops a table, schema or type'],
  [/^ALTER\s+TABLE\b[\s\S]*\bDROP\s+COLUMN\b/i, 'drops a column'],
  [/^ALTER\s+TABLE\b[\s\S]*\bALTER\s+(COLUMN\s+)?"?\w+"?\s+(SET\s+DATA\s+)?TYPE\b/i, 'changes a column type'],
  [/^TRUNCATE\b/i, 'truncates a table'],
  [/^DELETE\s+FROM\b/i, 'deletes rows'],
  [/^UPDATE\b/i, 'updates rows'],
];

/** One line per destructive statement, with its line number; empty when the migration is additive. */
export function riskyStatements(sql: string): string[] {
  const reasons: string[] = [];
  for (const statement of splitSqlStatements(sql)) {
    const code = stripComments(statement.text).trim();
    const hit = DESTRUCTIVE.find(([pattern]) => pattern.test(code));
    if (hit) reasons.push(`line ${statement.line} ${hit[1]}`);
  }
  return reasons;
}
