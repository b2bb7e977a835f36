/** `table-rewrite`: VACUUM FULL, CLUSTER, SET TABLESPACE, SET LOGGED/UNLOGGED rewrite the table under ACCESS EXCLUSIVE. */
import { alterCommands, hasOption, type ParsedStatement } from '../../sql/parse-statements.ts';
import { type FileRule, hitsPerStatement } from '../rule.ts';

/** The table-rewriting command a statement runs, for a person: `VACUUM FULL`, `SET TABLESPACE`. */
function rewriteCommand(statement: ParsedStatement): string | undefined {
  const { kind, body } = statement;
  if (kind === 'VacuumStmt' && hasOption(body.options, 'full')) return 'VACUUM FULL';
  if (kind === 'ClusterStmt') return 'CLUSTER';
  const rewrites: Record<string, string> = {
    AT_SetTableSpace: 'SET TABLESPACE',
    AT_SetLogged: 'SET LOGGED',
    AT_SetUnLogged: 'SET UNLOGGED',
  };
  return alterCommands(statement)
    .map((cmd) => rewrites[cmd.subtype])
    .find(Boolean);
}

export const tableRewrite: FileRule = {
  kind: 'file',
  name: 'table-rewrite',
  lock: 'ACCESS EXCLUSIVE for the whole rewrite: reads and writes wait',
  fix: 'leave space reclamation to autovacuum; if a table must shrink, use pg_repack outside a migration (docs/migrations/migration-linter.md)',
  check: (file) =>
    hitsPerStatement(file, (statement) => {
      const rewrite = rewriteCommand(statement);
      return rewrite && `${rewrite} rewrites the table under ACCESS EXCLUSIVE`;
    }),
};
