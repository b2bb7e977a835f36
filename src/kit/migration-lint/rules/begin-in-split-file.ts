/**
 * `begin-in-split-file`: the native engine runs a file it can split statement by statement; after
 * an explicit BEGIN, a failure leaves the connection in an aborted transaction and the engine
 * can't record the error (25P02), so the deploy log hides the cause.
 */
import { opensTransaction } from '../../sql/statement-shapes.ts';
import type { FileRule } from '../rule.ts';
import { RULES_OF_THE_FILE } from './playbooks.ts';

export const beginInSplitFile: FileRule = {
  kind: 'file',
  name: 'begin-in-split-file',
  lock: 'none; but a failure inside hides its cause: the native engine cannot record it (25P02) and the deploy log shows no PostgreSQL error',
  fix: `drop BEGIN/COMMIT and make each statement safe on its own (IF [NOT] EXISTS, an order whose every step the running app survives), or make the step one statement (${RULES_OF_THE_FILE})`,
  check(file) {
    const begin = file.plan.mode === 'split' ? file.statements.find(opensTransaction) : undefined;
    return begin
      ? [
          {
            line: begin.line,
            message:
              'the native engine runs this file statement by statement; a failure after BEGIN leaves its connection in an aborted transaction, so the error is not recorded (25P02)',
          },
        ]
      : [];
  },
};
