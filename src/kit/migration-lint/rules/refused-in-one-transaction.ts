/**
 * `refused-in-one-transaction`: Prisma's native engine sends a file whole, as one transaction, when
 * its sqlparser can't split it (src/kit/sql/native-script-plan.ts); PostgreSQL then refuses what
 * may not run in a transaction block (25001), and the deploy fails.
 */
import { alterCommands, type ParsedStatement } from '../../sql/parse-statements.ts';
import { runsConcurrently } from '../../sql/statement-shapes.ts';
import type { FileRule } from '../rule.ts';
import { RULES_OF_THE_FILE } from './playbooks.ts';

/** What PostgreSQL refuses inside a transaction block, if this statement is one of those. */
function refusedInTransactionBlock(statement: ParsedStatement): string | undefined {
  const { kind, body } = statement;
  if (runsConcurrently(statement)) return 'CONCURRENTLY';
  if (alterCommands(statement).some((cmd) => cmd.subtype === 'AT_DetachPartition' && cmd.def?.PartitionCmd?.concurrent))
    return 'DETACH PARTITION … CONCURRENTLY';
  if (kind === 'ReindexStmt' && !body.relation) return 'REINDEX of a whole schema or database';
  if (kind === 'VacuumStmt' && body.is_vacuumcmd) return 'VACUUM';
  if (kind === 'AlterSystemStmt') return 'ALTER SYSTEM';
  if (['CreatedbStmt', 'DropdbStmt', 'CreateTableSpaceStmt', 'DropTableSpaceStmt'].includes(kind ?? ''))
    return 'CREATE/DROP DATABASE or TABLESPACE';
  if (kind === 'CreateSubscriptionStmt' || kind === 'DropSubscriptionStmt') return 'CREATE/DROP SUBSCRIPTION';
  if (kind === 'ClusterStmt' && !body.relation) return 'CLUSTER of every table';
  if (kind === 'DiscardStmt' && body.target === 'DISCARD_ALL') return 'DISCARD ALL';
  return undefined;
}

export const refusedInOneTransaction: FileRule = {
  kind: 'file',
  name: 'refused-in-one-transaction',
  lock: "none; Prisma's native engine sends the file as one transaction and PostgreSQL refuses the statement (25001): the deploy fails",
  fix: `remove what the native engine cannot parse (a DO block, DROP INDEX CONCURRENTLY with company), or give this statement a migration of its own (${RULES_OF_THE_FILE})`,
  check(file) {
    const { plan } = file;
    if (plan.mode !== 'whole' || file.statements.length < 2) return [];
    const why = `line ${plan.because.line} does not parse (${plan.because.error})`;
    return file.statements.flatMap((statement) => {
      const refused = refusedInTransactionBlock(statement);
      return refused
        ? [
            {
              line: statement.line,
              message: `the native engine sends this file whole, as one transaction, because ${why}; PostgreSQL refuses ${refused} in a transaction`,
            },
          ]
        : [];
    });
  },
};
