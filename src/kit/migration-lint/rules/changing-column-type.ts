/**
 * squawk's `changing-column-type`, exempt when every column the statement changes only widens a
 * type the history declared (a longer varchar, varchar to text, more precision: no rewrite).
 */
import { alterCommands } from '../../sql/parse-statements.ts';
import { ownTable } from '../../sql/statement-shapes.ts';
import { columnType, onlyWidens } from '../history-facts.ts';
import type { SquawkRule } from '../rule.ts';
import { RENAME } from './playbooks.ts';

export const changingColumnType: SquawkRule = {
  kind: 'squawk',
  name: 'changing-column-type',
  lock: 'ACCESS EXCLUSIVE on the table while it is rewritten: reads and writes wait',
  fix: `add a column of the new type, sync and backfill it, switch, drop the old one (${RENAME})`,
  exempt(statement, file) {
    const known = file.factsBefore(statement).columnTypes;
    const changes = alterCommands(statement).filter((cmd) => cmd.subtype === 'AT_AlterColumnType');
    return (
      changes.length > 0 &&
      changes.every((cmd) => {
        const from = known.get(`${ownTable(statement)}.${cmd.name}`);
        const to = columnType(cmd.def.ColumnDef.typeName);
        // USING computes every value anew: a rewrite whatever the types.
        return Boolean(from && to && !cmd.def.ColumnDef.raw_default && onlyWidens(from, to));
      })
    );
  },
};
