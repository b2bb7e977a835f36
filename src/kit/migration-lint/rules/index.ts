/**
 * Every rule the linter knows, in one list: the driver (../lint-migration-file.ts) runs the file
 * rules and applies the squawk rules' exemptions, `migrate:lint` prints each finding's lock and
 * fix from here, and the corpus test checks the playbook against this list. A new rule is a
 * module in this folder plus a line here, a corpus case and a line in
 * docs/migrations/migration-linter.md.
 */
import type { FileRule, LintRule, SquawkRule } from '../rule.ts';
import { addingNotNullableField } from './adding-not-nullable-field.ts';
import { addingRequiredField } from './adding-required-field.ts';
import { addingSerialColumn } from './adding-serial-column.ts';
import { banTruncate } from './ban-truncate.ts';
import { beginInSplitFile } from './begin-in-split-file.ts';
import { breakingRename } from './breaking-rename.ts';
import { changingColumnType } from './changing-column-type.ts';
import { concurrentlyNotAlone } from './concurrently-not-alone.ts';
import { constraintMissingNotValid } from './constraint-missing-not-valid.ts';
import { dataChangeInMigration } from './data-change-in-migration.ts';
import { dropAndAddLooksLikeRename } from './drop-and-add-looks-like-rename.ts';
import { enumValueUnknownToRunningRelease } from './enum-value-unknown-to-running-release.ts';
import { exclusionConstraint } from './exclusion-constraint.ts';
import { explicitLock } from './explicit-lock.ts';
import { foreignKeyWithoutIndex } from './foreign-key-without-index.ts';
import { appliedMigrationEdited, historyDoesNotReplay, schemaDrift } from './history-rules.ts';
import { ignoreWithoutReason } from './ignore-without-reason.ts';
import { preferJsonb } from './prefer-jsonb.ts';
import { preferRobustStmts } from './prefer-robust-stmts.ts';
import { refreshWithoutConcurrently } from './refresh-without-concurrently.ts';
import { refusedInOneTransaction } from './refused-in-one-transaction.ts';
import { requireLockTimeout, requireStatementTimeout } from './require-timeouts.ts';
import { squawkIgnoreComment } from './squawk-ignore-comment.ts';
import { squawkRules } from './squawk-rules.ts';
import { tableRewrite } from './table-rewrite.ts';

export const RULES: LintRule[] = [
  ...squawkRules,
  addingNotNullableField,
  addingRequiredField,
  changingColumnType,
  constraintMissingNotValid,
  preferRobustStmts,
  requireLockTimeout,
  requireStatementTimeout,
  dataChangeInMigration,
  tableRewrite,
  refreshWithoutConcurrently,
  explicitLock,
  banTruncate,
  breakingRename,
  addingSerialColumn,
  preferJsonb,
  exclusionConstraint,
  foreignKeyWithoutIndex,
  dropAndAddLooksLikeRename,
  enumValueUnknownToRunningRelease,
  concurrentlyNotAlone,
  refusedInOneTransaction,
  beginInSplitFile,
  ignoreWithoutReason,
  squawkIgnoreComment,
  appliedMigrationEdited,
  historyDoesNotReplay,
  schemaDrift,
];

const byName = new Map(RULES.map((rule) => [rule.name, rule]));

export const ruleNamed = (name: string): LintRule | undefined => byName.get(name);

export const fileRules = RULES.filter((rule): rule is FileRule => rule.kind === 'file');

/** The squawk rule of this name, when the kit knows it (exemptions, its own lock and fix). */
export const squawkRule = (name: string): SquawkRule | undefined => {
  const rule = byName.get(name);
  return rule?.kind === 'squawk' ? rule : undefined;
};

/** What to print for a finding: the rule's lock and fix, or squawk's help for a rule the kit doesn't list. */
export function ruleInfo(name: string, squawkHelp?: string): { lock: string; fix: string } {
  return byName.get(name) ?? { lock: 'see the squawk rule', fix: squawkHelp ?? `https://squawkhq.com/docs/${name}` };
}
