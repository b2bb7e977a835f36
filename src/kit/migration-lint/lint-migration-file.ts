/**
 * The per-file part of the linter: squawk's findings, read in the light of how Prisma runs a
 * migration, plus the rules only a Prisma project needs.
 *
 * - A statement on a table created earlier in the same file blocks nobody: the table is new and
 *   empty (Prisma's generated CREATE TABLE + CREATE INDEX + ADD FOREIGN KEY), so squawk's
 *   findings on it are dropped.
 * - Re-run safety (`prefer-robust-stmts`) is asked of hand-written migrations only, the ones
 *   that open with a `-- Pattern:` header. Prisma generates the others and records a failed one
 *   for `migrate resolve`.
 * - `SET NOT NULL` is fine when a validated `CHECK (col IS NOT NULL)` exists: PostgreSQL then
 *   skips the scan. Checks validated by earlier migrations count.
 * - Timeouts are the kit's own rules (same names as squawk's, which reports only the first
 *   statement of a file): every statement that locks an existing table needs `SET lock_timeout`
 *   and `SET statement_timeout` earlier in the file. Creating new objects needs neither.
 * - VALIDATE CONSTRAINT, SET/DROP DEFAULT and SET/DROP NOT NULL are re-runnable as they are.
 * - How Prisma's native engine runs the file (src/kit/sql/native-script-plan.ts): sent whole, it is
 *   one transaction, so nothing PostgreSQL refuses in one may be in it; split, an explicit
 *   BEGIN hides a failure's cause (25P02).
 * - A finding is silenced only by `-- lint-ignore <rule>[, <rule>]: <reason>` in the comments
 *   right above its statement.
 */
import { splitSqlStatements, stripComments, type SqlStatement } from '../sql/split-statements.ts';
import type { Finding } from './finding.ts';
import { planScript } from '../sql/native-script-plan.ts';
import type { SquawkFinding } from './run-squawk.ts';

export interface MigrationFile {
  /** Path relative to the project root. */
  file: string;
  sql: string;
}

/**
 * NOT NULL checks seen so far in the migration history: `table.column` keys of validated ones,
 * and the checks added NOT VALID (constraint name → key) that a later VALIDATE may complete.
 */
export interface NotNullChecks {
  validated: Set<string>;
  notValid: Map<string, string>;
}

export const noNotNullChecks = (): NotNullChecks => ({ validated: new Set(), notValid: new Map() });

const copyChecks = (checks: NotNullChecks): NotNullChecks => ({
  validated: new Set(checks.validated),
  notValid: new Map(checks.notValid),
});

const unquote = (name: string) => name.replace(/"/g, '').split('.').at(-1)!.toLowerCase();
const IDENT = String.raw`("?[\w$]+"?(?:\."?[\w$]+"?)?)`;

/** The table a statement works on, if it names one. */
function targetTable(code: string): string | undefined {
  const match =
    new RegExp(String.raw`^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${IDENT}`, 'i').exec(code) ??
    new RegExp(String.raw`^\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${IDENT}`, 'i').exec(code) ??
    new RegExp(String.raw`^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\b[\s\S]*?\bON\s+(?:ONLY\s+)?${IDENT}`, 'i').exec(code);
  return match?.[1] ? unquote(match[1]) : undefined;
}

/** Adds the NOT NULL checks a script adds or validates (also inside DO blocks) to `checks`. */
export function collectNotNullChecks(sql: string, checks: NotNullChecks): void {
  const code = stripComments(sql);
  const addCheck = new RegExp(
    String.raw`ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${IDENT}\s+ADD\s+CONSTRAINT\s+${IDENT}\s+CHECK\s*\(\s*${IDENT}\s+IS\s+NOT\s+NULL\s*\)(\s+NOT\s+VALID)?`,
    'gi',
  );
  for (const [, table, constraint, column, notValid] of code.matchAll(addCheck)) {
    const key = `${unquote(table!)}.${unquote(column!)}`;
    if (notValid) checks.notValid.set(unquote(constraint!), key);
    else checks.validated.add(key);
  }
  for (const [, constraint] of code.matchAll(new RegExp(String.raw`VALIDATE\s+CONSTRAINT\s+${IDENT}`, 'gi'))) {
    const key = checks.notValid.get(unquote(constraint!));
    if (key) checks.validated.add(key);
  }
}

/** Statements that take a lock on a table that already exists (and so make writers wait). */
function locksExistingTable(code: string, createdHere: Map<string, number>): boolean {
  // A foreign key locks the table it references too (SHARE ROW EXCLUSIVE), new table or not:
  // Prisma's migration for a new model with a relation queues the busy parent's writers.
  const referenced = new RegExp(String.raw`\bFOREIGN\s+KEY\b[\s\S]*?\bREFERENCES\s+${IDENT}`, 'i').exec(code)?.[1];
  if (referenced !== undefined && !createdHere.has(unquote(referenced))) return true;
  const table = targetTable(code);
  if (table !== undefined && createdHere.has(table)) return false;
  if (/^DO\b/i.test(code))
    return /\b(ALTER\s+TABLE|DROP\s+(TABLE|INDEX)|CREATE\s+(UNIQUE\s+)?INDEX|LOCK\s+TABLE)\b/i.test(code);
  return /^(ALTER\s+TABLE|CREATE\s+(UNIQUE\s+)?INDEX|DROP\s+(TABLE|INDEX)|TRUNCATE|LOCK|CLUSTER|REINDEX|VACUUM\s+FULL|CREATE\s+(OR\s+REPLACE\s+)?TRIGGER|DROP\s+TRIGGER)\b/i.test(
    code,
  );
}

/**
 * Statements that give the same result when run twice, so a re-run after a partial failure is
 * safe without IF [NOT] EXISTS (squawk asks for a transaction around them instead, which the
 * native engine's split execution makes a trap: see begin-in-split-file).
 */
function rerunsAsItIs(code: string): boolean {
  return (
    /^ALTER\s+TABLE\b[\s\S]*\bVALIDATE\s+CONSTRAINT\b/i.test(code) ||
    /^ALTER\s+TABLE\s+(IF\s+EXISTS\s+)?(ONLY\s+)?\S+\s+ALTER\s+(COLUMN\s+)?\S+\s+(SET|DROP)\s+(DEFAULT|NOT\s+NULL)\b/i.test(
      code,
    )
  );
}

function setNotNullColumn(code: string): string | undefined {
  const match = new RegExp(
    String.raw`^\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${IDENT}\s+ALTER\s+COLUMN\s+${IDENT}\s+SET\s+NOT\s+NULL`,
    'i',
  ).exec(code);
  return match ? `${unquote(match[1]!)}.${unquote(match[2]!)}` : undefined;
}

/**
 * The table an UPDATE, a DELETE or an INSERT … SELECT (a copy of other rows, as big as they are)
 * changes rows of, also inside a DO block's body (the kit's guards use DO; a data change hidden
 * in one is still a data change). An INSERT … VALUES of a few rows is not a backfill.
 */
function dataChangeTarget(code: string): string | undefined {
  const pattern = new RegExp(
    String.raw`(?:^|[\s;])(?:UPDATE\s+(?:ONLY\s+)?|DELETE\s+FROM\s+(?:ONLY\s+)?|INSERT\s+INTO\s+(?=\S+(?:\s*\([^)]*\))?\s+SELECT\b))${IDENT}`,
    'i',
  );
  const match = /^DO\b/i.test(code) || /^(UPDATE|DELETE|INSERT)\b/i.test(code) ? pattern.exec(code) : undefined;
  return match?.[1] ? unquote(match[1]) : undefined;
}

/** What PostgreSQL refuses inside a transaction block, if this statement is one of those. */
function refusedInTransactionBlock(code: string): string | undefined {
  const refused: Array<[RegExp, string]> = [
    [/^(CREATE\s+(UNIQUE\s+)?INDEX|DROP\s+INDEX|REINDEX\b[\s\S]*?)\s+CONCURRENTLY\b/i, 'CONCURRENTLY'],
    [/^ALTER\s+TABLE\b[\s\S]*\bDETACH\s+PARTITION\b[\s\S]*\bCONCURRENTLY\b/i, 'DETACH PARTITION … CONCURRENTLY'],
    [/^REINDEX\s+(\([^)]*\)\s*)?(SCHEMA|DATABASE|SYSTEM)\b/i, 'REINDEX of a whole schema or database'],
    [/^VACUUM\b/i, 'VACUUM'],
    [/^ALTER\s+SYSTEM\b/i, 'ALTER SYSTEM'],
    [/^(CREATE|DROP)\s+(DATABASE|TABLESPACE)\b/i, 'CREATE/DROP DATABASE or TABLESPACE'],
    [/^(CREATE|DROP)\s+SUBSCRIPTION\b/i, 'CREATE/DROP SUBSCRIPTION'],
    [/^CLUSTER\s*$/i, 'CLUSTER of every table'],
    [/^DISCARD\s+ALL\b/i, 'DISCARD ALL'],
  ];
  return refused.find(([pattern]) => pattern.test(code))?.[1];
}

interface IgnoreComment {
  line: number;
  rules: string[];
  reason: string;
}

function ignoreComments(sql: string): IgnoreComment[] {
  const found: IgnoreComment[] = [];
  sql.split('\n').forEach((text, index) => {
    const match = /^\s*--\s*lint-ignore\s+([\w-]+(?:\s*,\s*[\w-]+)*)\s*(?::\s*(.*))?$/.exec(text);
    if (match)
      found.push({
        line: index + 1,
        rules: match[1]!.split(',').map((rule) => rule.trim()),
        reason: (match[2] ?? '').trim(),
      });
  });
  return found;
}

/** The statement a 1-based line belongs to: the last one starting at or before it. */
function statementAt(statements: SqlStatement[], line: number): SqlStatement | undefined {
  return statements.filter((statement) => statement.line <= line).at(-1);
}

/**
 * Lints one migration. `checks` holds what the earlier migrations established and is updated
 * with this file's checks, so lint the history oldest first.
 */
export function lintMigrationFile(migration: MigrationFile, squawk: SquawkFinding[], checks: NotNullChecks): Finding[] {
  const { file, sql } = migration;
  const statements = splitSqlStatements(sql);
  const codeOf = (statement: SqlStatement) => stripComments(statement.text).trim();
  const handWritten = /^\s*--\s*Pattern:/.test(sql);
  const findings: Finding[] = [];

  const createdHere = new Map<string, number>();
  for (const statement of statements) {
    const code = codeOf(statement);
    // IF NOT EXISTS may meet a table that exists and is busy: it earns no exemption.
    if (/^CREATE\s+TABLE/i.test(code) && !/^CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\b/i.test(code))
      createdHere.set(targetTable(code)!, statement.line);
  }
  const onNewTable = (statement: SqlStatement | undefined) => {
    if (!statement) return false;
    const table = targetTable(codeOf(statement));
    const created = table === undefined ? undefined : createdHere.get(table);
    return created !== undefined && created <= statement.line;
  };

  for (const finding of squawk) {
    const statement = statementAt(statements, finding.line);
    if (onNewTable(statement)) continue;
    if (finding.rule === 'prefer-robust-stmts' && (!handWritten || rerunsAsItIs(codeOf(statement!)))) continue;
    if (finding.rule === 'adding-not-nullable-field' && statement) {
      const column = setNotNullColumn(codeOf(statement));
      const earlier = copyChecks(checks);
      collectNotNullChecks(
        sql
          .split('\n')
          .slice(0, statement.line - 1)
          .join('\n'),
        earlier,
      );
      if (column && earlier.validated.has(column)) continue;
    }
    // A serial column is not "required" in squawk's sense: it fills itself, by rewriting the table.
    if (finding.rule === 'adding-required-field' && statement && /\b(SMALL|BIG)?SERIAL\b/i.test(codeOf(statement)))
      continue;
    // squawk's advice for a constraint is NOT VALID, which PostgreSQL refuses for UNIQUE and
    // PRIMARY KEY (squawk's own disallowed-unique-constraint and adding-serial-primary-key-field
    // give the right recipe for those: a unique index built CONCURRENTLY, then USING INDEX) ...
    if (
      finding.rule === 'constraint-missing-not-valid' &&
      statement &&
      /\bADD\s+CONSTRAINT\s+\S+\s+(UNIQUE|PRIMARY\s+KEY)\b/i.test(codeOf(statement))
    )
      continue;
    // ... and for EXCLUDE, which has no safe form at all.
    if (
      finding.rule === 'constraint-missing-not-valid' &&
      statement &&
      /\bADD\s+CONSTRAINT\s+\S+\s+EXCLUDE\b/i.test(codeOf(statement))
    ) {
      findings.push({
        file,
        line: statement.line,
        rule: 'exclusion-constraint',
        message:
          'an EXCLUDE constraint builds its index and checks every row under ACCESS EXCLUSIVE, and cannot be added NOT VALID',
      });
      continue;
    }
    findings.push({ file, line: statement?.line ?? finding.line, rule: finding.rule, message: finding.message });
  }

  const timeoutsSet = { lock_timeout: false, statement_timeout: false };
  for (const statement of statements) {
    const code = codeOf(statement);
    // SET LOCAL counts too: inside the file's own transaction it holds for the statements after it.
    // A value of 0 disables the timeout, so it sets nothing; RESET takes it away again.
    const set = /^SET\s+(?:SESSION\s+|LOCAL\s+)?(lock_timeout|statement_timeout)\s*(?:=|TO)\s*'?([^';\s]*)'?/i.exec(
      code,
    );
    if (set) timeoutsSet[set[1]!.toLowerCase() as keyof typeof timeoutsSet] = !/^0+(?:ms|s|min)?$/i.test(set[2]!);
    const reset = /^RESET\s+(lock_timeout|statement_timeout)\b/i.exec(code);
    if (reset) timeoutsSet[reset[1]!.toLowerCase() as keyof typeof timeoutsSet] = false;
    if (!locksExistingTable(code, createdHere)) continue;
    // Alone in its file it can't have SETs beside it (they make the file whole and PostgreSQL
    // then refuses it); the migrator role's own lock_timeout (npm run db:roles) bounds its wait.
    if (statements.length === 1 && /^DROP\s+INDEX\s+CONCURRENTLY\b/i.test(code)) continue;
    for (const [setting, isSet] of Object.entries(timeoutsSet)) {
      if (isSet) continue;
      findings.push({
        file,
        line: statement.line,
        rule: `require-${setting.replace('_', '-')}`,
        message: `this statement locks a table that exists, and no \`SET ${setting}\` comes before it in the file`,
      });
    }
  }

  const plan = planScript(sql);
  if (plan.mode === 'whole' && statements.length > 1) {
    const why = `line ${plan.because.line} does not parse (${plan.because.error})`;
    for (const statement of statements) {
      const refused = refusedInTransactionBlock(codeOf(statement));
      if (!refused) continue;
      findings.push({
        file,
        line: statement.line,
        rule: 'refused-in-one-transaction',
        message: `the native engine sends this file whole, as one transaction, because ${why}; PostgreSQL refuses ${refused} in a transaction`,
      });
    }
  }
  if (plan.mode === 'split') {
    const begin = statements.find((statement) => /^(BEGIN|START\s+TRANSACTION)\b/i.test(codeOf(statement)));
    if (begin) {
      findings.push({
        file,
        line: begin.line,
        rule: 'begin-in-split-file',
        message:
          'the native engine runs this file statement by statement; a failure after BEGIN leaves its connection in an aborted transaction, so the error is not recorded (25P02)',
      });
    }
  }

  for (const statement of statements) {
    const code = codeOf(statement);
    const table = dataChangeTarget(code);
    // Rows of a table created in this file are nobody's yet; anything else is live data.
    if (table !== undefined && !createdHere.has(table)) {
      findings.push({
        file,
        line: statement.line,
        rule: 'data-change-in-migration',
        message: `this changes rows of ${table} inside the deploy, in one statement that holds their locks until it ends`,
      });
    }
    const rewrite =
      /^(VACUUM\s*(\([^)]*\bFULL\b[^)]*\)|FULL\b)|CLUSTER\b)/i.exec(code) ??
      /^ALTER\s+TABLE\b[\s\S]*?\b(SET\s+(TABLESPACE|LOGGED|UNLOGGED))\b/i.exec(code);
    if (rewrite)
      findings.push({
        file,
        line: statement.line,
        rule: 'table-rewrite',
        message: `${rewrite[1]!.replace(/\s+/g, ' ').toUpperCase()} rewrites the table under ACCESS EXCLUSIVE`,
      });
    if (/^REFRESH\s+MATERIALIZED\s+VIEW\b(?![\s\S]*\bCONCURRENTLY\b)/i.test(code))
      findings.push({
        file,
        line: statement.line,
        rule: 'refresh-without-concurrently',
        message: 'REFRESH MATERIALIZED VIEW without CONCURRENTLY holds ACCESS EXCLUSIVE on the view: its readers wait',
      });
    if (/^LOCK\b/i.test(code))
      findings.push({
        file,
        line: statement.line,
        rule: 'explicit-lock',
        message:
          'LOCK TABLE holds its lock until the transaction ends; split by the native engine, it is refused outside a transaction block (25P01)',
      });
    if (/^TRUNCATE\b/i.test(code))
      findings.push({
        file,
        line: statement.line,
        rule: 'ban-truncate',
        message: 'TRUNCATE empties a live table under ACCESS EXCLUSIVE',
      });
    const renamed = /^ALTER\s+(TYPE\s+\S+\s+RENAME\s+VALUE|SCHEMA\s+\S+\s+RENAME\s+TO)\b/i.exec(code);
    if (renamed) {
      const what = /^ALTER\s+TYPE/i.test(code) ? 'an enum value' : 'a schema';
      findings.push({
        file,
        line: statement.line,
        rule: 'breaking-rename',
        message: `this renames ${what} that the running release still uses by its old name`,
      });
    }
    const target = targetTable(code);
    const onExisting = target !== undefined && !createdHere.has(target);
    if (onExisting && /\bADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?\S+\s+(SMALL|BIG)?SERIAL\b/i.test(code)) {
      findings.push({
        file,
        line: statement.line,
        rule: 'adding-serial-column',
        message: 'a serial column gives every existing row a nextval(): the table is rewritten under ACCESS EXCLUSIVE',
      });
    }
    if (
      /\b(?:ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?\S+|\bTYPE)\s+JSON\b(?!B)/i.test(code) ||
      (/^CREATE\s+TABLE\b/i.test(code) && /\s"?\w+"?\s+JSON\b(?!B)/i.test(code))
    ) {
      findings.push({
        file,
        line: statement.line,
        rule: 'prefer-jsonb',
        message: 'json has no equality: DISTINCT, GROUP BY, UNION and unique indexes on it fail at run time',
      });
    }
  }

  const concurrent = statements.filter((statement) =>
    /^(CREATE|DROP|REINDEX)\b[\s\S]*\bCONCURRENTLY\b/i.test(codeOf(statement)),
  );
  if (concurrent.length > 0) {
    const companions = statements.filter(
      (statement) => !concurrent.includes(statement) && !/^(SET|RESET)\b/i.test(codeOf(statement)),
    );
    for (const statement of [...concurrent.slice(1), ...companions].sort((a, b) => a.line - b.line)) {
      findings.push({
        file,
        line: statement.line,
        rule: 'concurrently-not-alone',
        message: `this file runs CONCURRENTLY (line ${concurrent[0]!.line}); this statement belongs in a migration of its own`,
      });
    }
  }

  for (const comment of ignoreComments(sql)) {
    if (!comment.reason || /^TODO\b/i.test(comment.reason)) {
      const message = `lint-ignore ${comment.rules.join(', ')} gives ${comment.reason ? 'only a TODO as its' : 'no'} reason`;
      findings.push({ file, line: comment.line, rule: 'ignore-without-reason', message });
      continue;
    }
    const silenced = statements.find((statement) => statement.line > comment.line);
    for (let i = findings.length - 1; i >= 0; i -= 1) {
      const finding = findings[i]!;
      if (finding.line === silenced?.line && comment.rules.includes(finding.rule)) findings.splice(i, 1);
    }
  }
  sql.split('\n').forEach((text, index) => {
    if (/--\s*squawk-ignore/.test(text)) {
      findings.push({
        file,
        line: index + 1,
        rule: 'squawk-ignore-comment',
        message: 'squawk-ignore silences a rule without a reason',
      });
    }
  });

  collectNotNullChecks(sql, checks);
  return findings.sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}
