/**
 * One migration file as the rules read it: its statements (parsed by PostgreSQL's own parser),
 * the tables it creates, and what held before each statement. Built once per file by the driver
 * (lint-migration-file.ts) and handed to every rule, so that no rule re-derives it differently.
 */
import type { ScriptPlan } from '../sql/native-script-plan.ts';
import type { ParsedStatement, SqlParsers } from '../sql/parse-statements.ts';
import { collectFacts, copyFacts, type HistoryFacts } from './history-facts.ts';
import { ownTable } from '../sql/statement-shapes.ts';

export interface MigrationFile {
  /** Path relative to the project root. */
  file: string;
  sql: string;
}

export interface LintedFile extends MigrationFile {
  statements: ParsedStatement[];
  /** How Prisma's native engine will run the file: statement by statement, or whole. */
  plan: ScriptPlan;
  /**
   * The file opens with a `-- Pattern:` header: `migrate:new` scaffolded it, so it is hand-written
   * and must be safe to re-run. Prisma generates the others and records a failed one for
   * `migrate resolve`.
   */
  scaffolded: boolean;
  /**
   * Tables this file creates (CREATE TABLE without IF NOT EXISTS, which may meet a busy table that
   * exists), by unqualified name → the line that creates it.
   */
  createdHere: Map<string, number>;
  /** What the history and this file's earlier statements established just before `statement`. */
  factsBefore(statement: ParsedStatement): HistoryFacts;
  /**
   * What holds once this deploy ran: every migration linted with this one (a branch's files ship
   * together, and `--fix` moves an index into a later file), or this file alone.
   */
  factsOnceDeployed(): HistoryFacts;
}

/**
 * Reads `migration` for the rules; `history` holds what the earlier migrations established, and
 * `deployed`, when given, what holds once the later migrations of the same deploy ran too.
 */
export function readLintedFile(
  parsers: SqlParsers,
  migration: MigrationFile,
  history: HistoryFacts,
  deployed?: HistoryFacts,
): LintedFile {
  const statements = parsers.parseStatements(migration.sql);
  const createdHere = new Map<string, number>();
  for (const statement of statements) {
    if (statement.kind === 'CreateStmt' && !statement.body.if_not_exists)
      createdHere.set(ownTable(statement)!, statement.line);
  }
  return {
    ...migration,
    statements,
    plan: parsers.planScript(migration.sql),
    scaffolded: /^\s*--\s*Pattern:/.test(migration.sql),
    createdHere,
    factsBefore(statement) {
      const facts = copyFacts(history);
      collectFacts(
        statements.filter((other) => other.line < statement.line),
        facts,
      );
      return facts;
    },
    factsOnceDeployed() {
      if (deployed) return deployed;
      const facts = copyFacts(history);
      collectFacts(statements, facts);
      return facts;
    },
  };
}

/** A statement on a table created earlier in the same file: the table is new, empty and nobody's yet. */
export function isOnNewTable(file: LintedFile, statement: ParsedStatement | undefined): boolean {
  const table = statement && ownTable(statement);
  const created = table === undefined ? undefined : file.createdHere.get(table);
  return created !== undefined && created <= statement!.line;
}
