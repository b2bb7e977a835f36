/**
 * `refused-in-one-transaction`: Prisma's native engine sends a file whole, as one transaction, when
 * its sqlparser can't split it (src/kit/sql/native-script-plan.ts); PostgreSQL then refuses what
 * may not run in a transaction block (25001), and the deploy fails.
 */
import { refusedInTransactionBlock } from '../../sql/statement-shapes.ts';
import type { FileRule } from '../rule.ts';
import { RULES_OF_THE_FILE } from './playbooks.ts';

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
