/**
 * `adding-serial-column`: a serial column on a table that exists gives every row a nextval(), by
 * rewriting the table (squawk calls a `SERIAL NOT NULL` add "required": adding-required-field.ts
 * exempts it for this rule).
 */
import { addsSerialColumn, ownTable } from '../../sql/statement-shapes.ts';
import { type FileRule, hitsPerStatement } from '../rule.ts';
import { NOT_NULL } from './playbooks.ts';

export const addingSerialColumn: FileRule = {
  kind: 'file',
  name: 'adding-serial-column',
  lock: 'ACCESS EXCLUSIVE on the table while every row is rewritten with its nextval()',
  fix: `add a nullable bigint column, a sequence and its default, backfill in batches, then tighten (${NOT_NULL})`,
  check: (file) =>
    hitsPerStatement(file, (statement) => {
      const table = ownTable(statement);
      return table !== undefined && !file.createdHere.has(table) && addsSerialColumn(statement)
        ? 'a serial column gives every existing row a nextval(): the table is rewritten under ACCESS EXCLUSIVE'
        : undefined;
    }),
};
