/**
 * The per-file driver of the linter: squawk's findings, read in the light of how Prisma runs a
 * migration, plus the kit's own rules (rules/, one per module, listed in rules/index.ts).
 * Statements are read with PostgreSQL's own parser (src/kit/sql/parse-statements.ts), never
 * matched as text. What the driver itself decides, for every rule alike:
 *
 * - The SQL inside a DO block is linted as if it stood where the DO does: squawk runs over it
 *   too (it reads a DO as one opaque statement), and the kit's rules read it. Its findings point
 *   at the DO's line, so a `lint-ignore` goes above the DO.
 * - A statement on a table created earlier in the same file blocks nobody: the table is new and
 *   empty (Prisma's generated CREATE TABLE + CREATE INDEX + ADD FOREIGN KEY), so squawk's
 *   findings on it are dropped. Each squawk rule may exempt more (rules/<rule>.ts says when).
 * - A finding is silenced only by `-- lint-ignore <rule>[, <rule>]: <reason>` in the comments
 *   right above its statement (lint-ignore-comments.ts).
 */
import type { Finding } from './finding.ts';
import type { ParsedStatement } from '../sql/parse-statements.ts';
import { collectFacts, copyFacts, type HistoryFacts } from './history-facts.ts';
import { loadSqlParsers, type SqlParsers } from '../sql/parse-statements.ts';
import { hasReason, ignoreComments } from './lint-ignore-comments.ts';
import { isOnNewTable, type LintedFile, type MigrationFile, readLintedFile } from './linted-file.ts';
import { fileRules, squawkRule } from './rules/index.ts';
import { runSquawkOnText, type SquawkFinding } from './run-squawk.ts';

export type { MigrationFile } from './linted-file.ts';

/** The statement a 1-based line belongs to: the last one starting at or before it. */
function statementAt(statements: ParsedStatement[], line: number): ParsedStatement | undefined {
  return statements.filter((statement) => statement.line <= line).at(-1);
}

/** A squawk finding with the statement it is about (inside a DO block: the statement in its body). */
interface PlacedFinding {
  finding: SquawkFinding;
  statement?: ParsedStatement;
  inDoBlock: boolean;
}

/**
 * squawk reads a DO block as one opaque statement, so the SQL in DO bodies is linted by squawk on
 * its own, each finding reported at its DO statement's line.
 */
function squawkInDoBlocks(file: string, statements: ParsedStatement[]): PlacedFinding[] {
  const inner = statements.flatMap((statement) => statement.inner);
  if (inner.length === 0) return [];
  const texts = inner.map((statement) => `${statement.text};`);
  // squawk counts lines in the joined text, and a statement may span several: the finding
  // belongs to the last statement that starts at or before its line.
  const firstLines: number[] = [];
  let next = 1;
  for (const text of texts) {
    firstLines.push(next);
    next += text.split('\n').length;
  }
  return runSquawkOnText(texts.join('\n'), file).map((finding) => {
    const statement = inner[firstLines.findLastIndex((first) => first <= finding.line)] ?? inner[0]!;
    return { finding: { ...finding, line: statement.line }, statement, inDoBlock: true };
  });
}

/** squawk's findings that hold for this file, each at the line its statement starts on. */
function squawkFindingsThatHold(linted: LintedFile, squawk: SquawkFinding[]): Finding[] {
  const placed: PlacedFinding[] = [
    ...squawk.map((finding) => {
      // squawk points at the offending clause; a finding (and its lint-ignore) belongs to the statement.
      const statement = statementAt(linted.statements, finding.line);
      return { finding: { ...finding, line: statement?.line ?? finding.line }, statement, inDoBlock: false };
    }),
    ...squawkInDoBlocks(linted.file, linted.statements),
  ];
  return placed
    .filter(({ finding, statement, inDoBlock }) => {
      if (isOnNewTable(linted, statement)) return false;
      const exempt = squawkRule(finding.rule)?.exempt;
      return !(statement && exempt?.(statement, linted, inDoBlock));
    })
    .map(({ finding }) => ({ file: linted.file, line: finding.line, rule: finding.rule, message: finding.message }));
}

/** Drops the findings a `lint-ignore` with a reason silences: its rules, on the statement right below it. */
function withoutIgnored(linted: LintedFile, findings: Finding[]): Finding[] {
  const silenced = ignoreComments(linted.sql)
    .filter(hasReason)
    .flatMap((comment) => {
      const statement = linted.statements.find((candidate) => candidate.line > comment.line);
      return statement ? comment.rules.map((rule) => `${statement.line}:${rule}`) : [];
    });
  return findings.filter((finding) => !silenced.includes(`${finding.line}:${finding.rule}`));
}

/**
 * Lints one migration. `history` holds what the earlier migrations established and is updated
 * with this file's, so lint the history oldest first; `deployed` holds what the whole deploy
 * establishes (lintMigrationFiles passes it), else this file's end counts as the deploy's.
 */
export async function lintMigrationFile(
  migration: MigrationFile,
  squawk: SquawkFinding[],
  history: HistoryFacts,
  deployed?: HistoryFacts,
): Promise<Finding[]> {
  return lintWith(await loadSqlParsers(), migration, squawk, history, deployed);
}

function lintWith(
  parsers: SqlParsers,
  migration: MigrationFile,
  squawk: SquawkFinding[],
  history: HistoryFacts,
  deployed?: HistoryFacts,
): Finding[] {
  const linted = readLintedFile(parsers, migration, history, deployed);
  const findings = withoutIgnored(linted, [
    ...squawkFindingsThatHold(linted, squawk),
    ...fileRules.flatMap((rule) =>
      rule.check(linted).map((hit) => ({ file: linted.file, line: hit.line, rule: rule.name, message: hit.message })),
    ),
  ]);
  collectFacts(linted.statements, history);
  const unique = new Map(findings.map((finding) => [`${finding.line}:${finding.rule}`, finding]));
  return [...unique.values()].sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}

/** A migration of a history, and whether to lint it (else it only tells what it established). */
export interface HistoryFile extends MigrationFile {
  lint: boolean;
}

/**
 * Lints the `lint` files of a history given oldest first, each in the light of the migrations
 * before it (`history` holds what came before the first) and of what the whole history
 * establishes once deployed. `squawk` holds squawk's findings on the linted files.
 */
export async function lintMigrationFiles(
  files: HistoryFile[],
  squawk: SquawkFinding[],
  history: HistoryFacts,
): Promise<Finding[]> {
  const parsers = await loadSqlParsers();
  const deployed = copyFacts(history);
  for (const { sql } of files) collectFacts(parsers.parseStatements(sql), deployed);
  return files.flatMap((file) => {
    if (file.lint)
      return lintWith(
        parsers,
        file,
        squawk.filter((finding) => finding.file === file.file),
        history,
        deployed,
      );
    collectFacts(parsers.parseStatements(file.sql), history);
    return [];
  });
}
