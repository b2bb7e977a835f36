/**
 * squawk's `adding-required-field`, exempt for a serial column: it is not "required" in squawk's
 * sense, it fills itself by rewriting the table, which adding-serial-column reports instead.
 */
import { addsSerialColumn } from '../../sql/statement-shapes.ts';
import type { SquawkRule } from '../rule.ts';
import { NOT_NULL } from './playbooks.ts';

export const addingRequiredField: SquawkRule = {
  kind: 'squawk',
  name: 'adding-required-field',
  lock: 'ACCESS EXCLUSIVE on the table; on a table with rows the statement fails outright',
  fix: `add the column nullable with a default, backfill, then tighten (${NOT_NULL})`,
  exempt: (statement) => addsSerialColumn(statement),
};
