/**
 * What a lint rule is. Every rule has a name (what `-- lint-ignore <rule>: <reason>` silences),
 * the lock it means for a running app and the safe recipe; the three kinds differ in who finds it:
 * - `file`: the kit's own rules, each a check over one migration file read the way Prisma runs it;
 * - `squawk`: squawk finds it; the rule may exempt a finding that doesn't hold for a Prisma
 *   project (a statement on a table created in the same file is exempt from every one);
 * - `history`: found by comparing the migrations with git or a database (select-migrations.ts,
 *   database-checks.ts), not by reading one file.
 * One rule per module under rules/, all listed in rules/index.ts, so that a rule's text, check and
 * exemptions live in one place (squawk's layout: crates/squawk_linter/src/rules/).
 */
import { effectiveStatements, type ParsedStatement } from '../sql/parse-statements.ts';
import type { LintedFile } from './linted-file.ts';

interface RuleText {
  /** kebab-case, as `lint-ignore` names it. */
  name: string;
  /** What the statement means for a running app: the lock it takes, or what breaks. */
  lock: string;
  /** The safe recipe, with the playbook that gives it. */
  fix: string;
}

/** Where a file rule found a problem: the statement's first line, and what is wrong there. */
export interface Hit {
  line: number;
  message: string;
}

export interface FileRule extends RuleText {
  kind: 'file';
  check(file: LintedFile): Hit[];
}

export interface SquawkRule extends RuleText {
  kind: 'squawk';
  /** True when squawk's finding on `statement` does not hold for how Prisma runs this file. */
  exempt?(statement: ParsedStatement, file: LintedFile, inDoBlock: boolean): boolean;
}

export interface HistoryRule extends RuleText {
  kind: 'history';
}

export type LintRule = FileRule | SquawkRule | HistoryRule;

/** A hit for each (outer) statement whose effective statements, DO bodies included, `message` names. */
export function hitsPerStatement(
  file: LintedFile,
  message: (statement: ParsedStatement, file: LintedFile) => string | undefined,
): Hit[] {
  return file.statements.flatMap((outer) =>
    effectiveStatements(outer).flatMap((statement) => {
      const text = message(statement, file);
      return text === undefined ? [] : [{ line: outer.line, message: text }];
    }),
  );
}
