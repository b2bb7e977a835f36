/**
 * squawk's `constraint-missing-not-valid`, exempt where NOT VALID is no advice: PostgreSQL refuses
 * it for UNIQUE and PRIMARY KEY (squawk's disallowed-unique-constraint and
 * adding-serial-primary-key-field give the right recipe: a unique index built CONCURRENTLY, then
 * USING INDEX), and for EXCLUDE, which has no safe form (exclusion-constraint says so).
 */
import { addedConstraint } from '../../sql/statement-shapes.ts';
import type { SquawkRule } from '../rule.ts';
import { NOT_NULL } from './playbooks.ts';

const NO_NOT_VALID_FORM = new Set(['CONSTR_UNIQUE', 'CONSTR_PRIMARY', 'CONSTR_EXCLUSION']);

export const constraintMissingNotValid: SquawkRule = {
  kind: 'squawk',
  name: 'constraint-missing-not-valid',
  lock: 'ACCESS EXCLUSIVE on the table while every row is checked: reads and writes wait',
  fix: `ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in a later migration (${NOT_NULL})`,
  exempt: (statement) => NO_NOT_VALID_FORM.has(addedConstraint(statement)?.contype),
};
