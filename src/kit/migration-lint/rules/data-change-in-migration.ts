/**
 * `data-change-in-migration`: an UPDATE, a DELETE or an INSERT … SELECT on a table that exists, DO
 * bodies included. One statement holds every row lock it takes until it ends, inside the deploy;
 * a backfill job does the same work in small batches between the migrations.
 */
import type { ParsedStatement } from '../../sql/parse-statements.ts';
import { ownTable } from '../../sql/statement-shapes.ts';
import { type FileRule, hitsPerStatement } from '../rule.ts';

/**
 * The table an UPDATE, a DELETE or an INSERT … SELECT (a copy of other rows, as big as they are)
 * changes rows of. An INSERT … VALUES of a few rows is not a backfill.
 */
function dataChangeTarget(statement: ParsedStatement): string | undefined {
  const { kind, body } = statement;
  if (kind === 'UpdateStmt' || kind === 'DeleteStmt') return ownTable(statement);
  if (kind === 'InsertStmt' && body.selectStmt?.SelectStmt && !body.selectStmt.SelectStmt.valuesLists)
    return ownTable(statement);
  return undefined;
}

export const dataChangeInMigration: FileRule = {
  kind: 'file',
  name: 'data-change-in-migration',
  lock: 'row locks on every row it touches, held until the statement ends: writers to those rows wait, and a big table makes the deploy itself long',
  fix: 'write a backfill job in src/backfills/ and run it with `npm run backfill -- <job>` between the migrations (docs/backfills/running-a-backfill.md)',
  check: (file) =>
    hitsPerStatement(file, (statement) => {
      const table = dataChangeTarget(statement);
      // Rows of a table created in this file are nobody's yet; anything else is live data.
      return table !== undefined && !file.createdHere.has(table)
        ? `this changes rows of ${table} inside the deploy, in one statement that holds their locks until it ends`
        : undefined;
    }),
};
