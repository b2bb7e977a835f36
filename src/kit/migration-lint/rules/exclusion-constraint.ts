/**
 * `exclusion-constraint`: an EXCLUDE constraint added to a table that exists. squawk asks for NOT
 * VALID, which PostgreSQL refuses for EXCLUDE (constraint-missing-not-valid.ts exempts it); there
 * is no online way at all, so the finding says so.
 */
import { effectiveStatements } from '../../sql/parse-statements.ts';
import { addedConstraint } from '../../sql/statement-shapes.ts';
import { isOnNewTable } from '../linted-file.ts';
import type { FileRule } from '../rule.ts';

export const exclusionConstraint: FileRule = {
  kind: 'file',
  name: 'exclusion-constraint',
  lock: "ACCESS EXCLUSIVE on the table while the constraint's index is built and every row checked: reads and writes wait",
  fix: 'PostgreSQL has no online way (EXCLUDE takes no NOT VALID and no USING INDEX): add it when the table is created or still small, or in a planned maintenance window, with a lint-ignore saying which',
  check: (file) =>
    file.statements.flatMap((outer) =>
      effectiveStatements(outer).some(
        (statement) => !isOnNewTable(file, statement) && addedConstraint(statement)?.contype === 'CONSTR_EXCLUSION',
      )
        ? [
            {
              line: outer.line,
              message:
                'an EXCLUDE constraint builds its index and checks every row under ACCESS EXCLUSIVE, and cannot be added NOT VALID',
            },
          ]
        : [],
    ),
};
