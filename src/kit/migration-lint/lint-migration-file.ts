/**
 * The per-file part of the linter: squawk's findings, read in the light of how Prisma runs a
 * migration, plus the rules only a Prisma project needs. Statements are read with PostgreSQL's
 * own parser (src/kit/sql/parse-statements.ts), never matched as text.
 *
 * - The SQL inside a DO block is linted as if it stood where the DO does: squawk runs over it
 *   too (it reads a DO as one opaque statement), and the kit's rules read it. Its findings point
 *   at the DO's line, so a `lint-ignore` goes above the DO. The DO is the statement's re-run
 *   guard, so `prefer-robust-stmts` is not asked of it.
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
import type { Finding } from './finding.ts';
import { statementEffects } from '../migration-plan/statement-effects.ts';
import { planScript } from '../sql/native-script-plan.ts';
import {
  alterCommands,
  effectiveStatements,
  hasOption,
  lastName,
  type Node,
  type ParsedStatement,
  parseStatements,
  SERIAL_TYPES,
} from '../sql/parse-statements.ts';
import { runSquawkOnText, type SquawkFinding } from './run-squawk.ts';
import { collectFacts, columnType, copyFacts, type HistoryFacts, onlyWidens } from './history-facts.ts';

export interface MigrationFile {
  /** Path relative to the project root. */
  file: string;
  sql: string;
}

/** The table a statement names as its own (not one it references), by its unqualified name. */
const ownTable = (statement: ParsedStatement): string | undefined => statement.body.relation?.relname;

/** `posts` from `public.posts`: tables are compared by name, as the rules of one file see them. */
const unqualified = (table: string) => table.split('.').at(-1)!;

/** Every column definition a statement writes: CREATE TABLE's, ADD COLUMN's, and ALTER … TYPE's. */
function columnDefinitions(statement: ParsedStatement): Node[] {
  if (statement.kind === 'CreateStmt')
    return (statement.body.tableElts ?? []).flatMap((element: Node) => element.ColumnDef ?? []);
  return alterCommands(statement)
    .filter((cmd) => cmd.subtype === 'AT_AddColumn' || cmd.subtype === 'AT_AlterColumnType')
    .map((cmd) => cmd.def.ColumnDef);
}

const addsSerialColumn = (statement: ParsedStatement) =>
  alterCommands(statement).some(
    (cmd) => cmd.subtype === 'AT_AddColumn' && SERIAL_TYPES.has(lastName(cmd.def.ColumnDef.typeName?.names) ?? ''),
  );

/** The constraint an `ALTER TABLE … ADD CONSTRAINT` adds, when that is its one change. */
function addedConstraint(statement: ParsedStatement): Node | undefined {
  const cmds = alterCommands(statement);
  return cmds.length === 1 && cmds[0]!.subtype === 'AT_AddConstraint' ? cmds[0]!.def.Constraint : undefined;
}

/**
 * Statements that take a lock on a table that already exists (and so make writers wait), from the
 * same lock model `migrate:plan` reports. A foreign key counts on the table it references too
 * (SHARE ROW EXCLUSIVE), new table or not: Prisma's migration for a new model with a relation
 * queues the busy parent's writers. Row locks alone (INSERT, UPDATE, DELETE) are data-change's.
 */
const locksExistingTable = (statement: ParsedStatement, createdHere: Map<string, number>) =>
  statementEffects(statement).some(
    (effect) =>
      effect.work !== 'new table' && effect.lock !== 'ROW EXCLUSIVE' && !createdHere.has(unqualified(effect.table)),
  );

/**
 * Statements that give the same result when run twice, so a re-run after a partial failure is
 * safe without IF [NOT] EXISTS (squawk asks for a transaction around them instead, which the
 * native engine's split execution makes a trap: see begin-in-split-file).
 */
const RERUNNABLE = new Set(['AT_ValidateConstraint', 'AT_ColumnDefault', 'AT_SetNotNull', 'AT_DropNotNull']);
const rerunsAsItIs = (statement: ParsedStatement) => {
  const cmds = alterCommands(statement);
  return cmds.length > 0 && cmds.every((cmd) => RERUNNABLE.has(cmd.subtype));
};

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

/** Statements that build or drop an index CONCURRENTLY. */
const runsConcurrently = ({ kind, body }: ParsedStatement) =>
  (kind === 'IndexStmt' && body.concurrent) ||
  (kind === 'DropStmt' && body.concurrent) ||
  (kind === 'ReindexStmt' && hasOption(body.params, 'concurrently'));

/** What PostgreSQL refuses inside a transaction block, if this statement is one of those. */
function refusedInTransactionBlock(statement: ParsedStatement): string | undefined {
  const { kind, body } = statement;
  if (runsConcurrently(statement)) return 'CONCURRENTLY';
  if (alterCommands(statement).some((cmd) => cmd.subtype === 'AT_DetachPartition' && cmd.def?.PartitionCmd?.concurrent))
    return 'DETACH PARTITION … CONCURRENTLY';
  if (kind === 'ReindexStmt' && !body.relation) return 'REINDEX of a whole schema or database';
  if (kind === 'VacuumStmt' && body.is_vacuumcmd) return 'VACUUM';
  if (kind === 'AlterSystemStmt') return 'ALTER SYSTEM';
  if (['CreatedbStmt', 'DropdbStmt', 'CreateTableSpaceStmt', 'DropTableSpaceStmt'].includes(kind ?? ''))
    return 'CREATE/DROP DATABASE or TABLESPACE';
  if (kind === 'CreateSubscriptionStmt' || kind === 'DropSubscriptionStmt') return 'CREATE/DROP SUBSCRIPTION';
  if (kind === 'ClusterStmt' && !body.relation) return 'CLUSTER of every table';
  if (kind === 'DiscardStmt' && body.target === 'DISCARD_ALL') return 'DISCARD ALL';
  return undefined;
}

/** The table-rewriting command a statement runs, for a person: `VACUUM FULL`, `SET TABLESPACE`. */
function rewriteCommand(statement: ParsedStatement): string | undefined {
  const { kind, body } = statement;
  if (kind === 'VacuumStmt' && hasOption(body.options, 'full')) return 'VACUUM FULL';
  if (kind === 'ClusterStmt') return 'CLUSTER';
  const rewrites: Record<string, string> = {
    AT_SetTableSpace: 'SET TABLESPACE',
    AT_SetLogged: 'SET LOGGED',
    AT_SetUnLogged: 'SET UNLOGGED',
  };
  return alterCommands(statement)
    .map((cmd) => rewrites[cmd.subtype])
    .find(Boolean);
}

/** What a statement renames that the running release still calls by its old name (squawk covers tables and columns). */
function breakingRename({ kind, body }: ParsedStatement): string | undefined {
  if (kind === 'AlterEnumStmt' && body.oldVal !== undefined) return 'an enum value';
  if (kind !== 'RenameStmt') return undefined;
  const renamed: Record<string, string> = {
    OBJECT_SCHEMA: 'a schema',
    OBJECT_TYPE: 'a type (Prisma casts enum values to it by name)',
    OBJECT_VIEW: 'a view',
    OBJECT_MATVIEW: 'a materialized view',
    OBJECT_FUNCTION: 'a function',
  };
  return renamed[body.renameType];
}

/** `lock_timeout` or `statement_timeout` with whether it is now on, when the statement sets one. */
function timeoutSetting({ kind, body }: ParsedStatement): [string, boolean] | undefined {
  if (kind !== 'VariableSetStmt' || !['lock_timeout', 'statement_timeout'].includes(body.name)) return undefined;
  if (body.kind !== 'VAR_SET_VALUE') return [body.name, false]; // RESET, SET … TO DEFAULT
  // A value of 0 disables the timeout, so it sets nothing.
  const value = body.args?.[0]?.A_Const;
  const on = value?.sval ? !/^0+(?:\.0*)?\s*(?:us|ms|s|min|h|d)?$/i.test(value.sval.sval) : Boolean(value?.ival?.ival);
  return [body.name, on];
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

/**
 * Lints one migration. `history` holds what the earlier migrations established and is updated
 * with this file's, so lint the history oldest first.
 */
export function lintMigrationFile(migration: MigrationFile, squawk: SquawkFinding[], history: HistoryFacts): Finding[] {
  const { file, sql } = migration;
  const statements = parseStatements(sql);
  const handWritten = /^\s*--\s*Pattern:/.test(sql);
  const findings: Finding[] = [];
  const report = (statement: ParsedStatement, rule: string, message: string) =>
    findings.push({ file, line: statement.line, rule, message });

  const createdHere = new Map<string, number>();
  for (const statement of statements) {
    // IF NOT EXISTS may meet a table that exists and is busy: it earns no exemption.
    if (statement.kind === 'CreateStmt' && !statement.body.if_not_exists)
      createdHere.set(ownTable(statement)!, statement.line);
  }
  const onNewTable = (statement: ParsedStatement | undefined) => {
    const table = statement && ownTable(statement);
    const created = table === undefined ? undefined : createdHere.get(table);
    return created !== undefined && created <= statement!.line;
  };

  // What holds just before a statement: the history, then this file's earlier statements.
  const factsBefore = (statement: ParsedStatement) => {
    const facts = copyFacts(history);
    collectFacts(
      statements.filter((other) => other.line < statement.line),
      facts,
    );
    return facts;
  };
  // A type change rewrites nothing when every column it changes only widens a type the history declared.
  const onlyWidensKnownTypes = (statement: ParsedStatement) => {
    const known = factsBefore(statement).columnTypes;
    const changes = alterCommands(statement).filter((cmd) => cmd.subtype === 'AT_AlterColumnType');
    return (
      changes.length > 0 &&
      changes.every((cmd) => {
        const from = known.get(`${ownTable(statement)}.${cmd.name}`);
        const to = columnType(cmd.def.ColumnDef.typeName);
        // USING computes every value anew: a rewrite whatever the types.
        return from && to && !cmd.def.ColumnDef.raw_default && onlyWidens(from, to);
      })
    );
  };

  const placed: PlacedFinding[] = [
    ...squawk.map((finding) => {
      // squawk points at the offending clause; a finding (and its lint-ignore) belongs to the statement.
      const statement = statementAt(statements, finding.line);
      return { finding: { ...finding, line: statement?.line ?? finding.line }, statement, inDoBlock: false };
    }),
    ...squawkInDoBlocks(file, statements),
  ];
  for (const { finding, statement, inDoBlock } of placed) {
    if (onNewTable(statement)) continue;
    // The DO block around a statement is its re-run guard (IF NOT EXISTS … THEN).
    if (finding.rule === 'prefer-robust-stmts' && (inDoBlock || !handWritten || rerunsAsItIs(statement!))) continue;
    if (finding.rule === 'adding-not-nullable-field' && statement) {
      const column = alterCommands(statement).find((cmd) => cmd.subtype === 'AT_SetNotNull')?.name;
      if (column && factsBefore(statement).validatedNotNull.has(`${ownTable(statement)}.${column}`)) continue;
    }
    if (finding.rule === 'changing-column-type' && statement && onlyWidensKnownTypes(statement)) continue;
    // A serial column is not "required" in squawk's sense: it fills itself, by rewriting the table.
    if (finding.rule === 'adding-required-field' && statement && addsSerialColumn(statement)) continue;
    const constraint = statement && addedConstraint(statement);
    if (finding.rule === 'constraint-missing-not-valid' && constraint) {
      // squawk's advice for a constraint is NOT VALID, which PostgreSQL refuses for UNIQUE and
      // PRIMARY KEY (squawk's own disallowed-unique-constraint and adding-serial-primary-key-field
      // give the right recipe for those: a unique index built CONCURRENTLY, then USING INDEX) ...
      if (constraint.contype === 'CONSTR_UNIQUE' || constraint.contype === 'CONSTR_PRIMARY') continue;
      // ... and for EXCLUDE, which has no safe form at all.
      if (constraint.contype === 'CONSTR_EXCLUSION') {
        report(
          statement,
          'exclusion-constraint',
          'an EXCLUDE constraint builds its index and checks every row under ACCESS EXCLUSIVE, and cannot be added NOT VALID',
        );
        continue;
      }
    }
    findings.push({ file, line: finding.line, rule: finding.rule, message: finding.message });
  }

  const timeoutsSet: Record<string, boolean> = { lock_timeout: false, statement_timeout: false };
  for (const statement of statements) {
    // SET LOCAL counts too: inside the file's own transaction it holds for the statements after it.
    const setting = timeoutSetting(statement);
    if (setting) timeoutsSet[setting[0]] = setting[1];
    if (!locksExistingTable(statement, createdHere)) continue;
    // Alone in its file it can't have SETs beside it (they make the file whole and PostgreSQL
    // then refuses it); the migrator role's own lock_timeout (npm run db:roles) bounds its wait.
    if (statements.length === 1 && statement.kind === 'DropStmt' && statement.body.concurrent) continue;
    for (const [name, isSet] of Object.entries(timeoutsSet)) {
      if (isSet) continue;
      report(
        statement,
        `require-${name.replace('_', '-')}`,
        `this statement locks a table that exists, and no \`SET ${name}\` comes before it in the file`,
      );
    }
  }

  const plan = planScript(sql);
  if (plan.mode === 'whole' && statements.length > 1) {
    const why = `line ${plan.because.line} does not parse (${plan.because.error})`;
    for (const statement of statements) {
      const refused = refusedInTransactionBlock(statement);
      if (!refused) continue;
      report(
        statement,
        'refused-in-one-transaction',
        `the native engine sends this file whole, as one transaction, because ${why}; PostgreSQL refuses ${refused} in a transaction`,
      );
    }
  }
  if (plan.mode === 'split') {
    const begin = statements.find(
      ({ kind, body }) =>
        kind === 'TransactionStmt' && (body.kind === 'TRANS_STMT_BEGIN' || body.kind === 'TRANS_STMT_START'),
    );
    if (begin) {
      report(
        begin,
        'begin-in-split-file',
        'the native engine runs this file statement by statement; a failure after BEGIN leaves its connection in an aborted transaction, so the error is not recorded (25P02)',
      );
    }
  }

  for (const outer of statements) {
    // A DO block's body runs the same statements with the same locks: each is read, reported at the DO.
    for (const statement of effectiveStatements(outer)) {
      const at = (rule: string, message: string) => report(outer, rule, message);
      const table = dataChangeTarget(statement);
      // Rows of a table created in this file are nobody's yet; anything else is live data.
      if (table !== undefined && !createdHere.has(table))
        at(
          'data-change-in-migration',
          `this changes rows of ${table} inside the deploy, in one statement that holds their locks until it ends`,
        );
      const rewrite = rewriteCommand(statement);
      if (rewrite) at('table-rewrite', `${rewrite} rewrites the table under ACCESS EXCLUSIVE`);
      if (statement.kind === 'RefreshMatViewStmt' && !statement.body.concurrent)
        at(
          'refresh-without-concurrently',
          'REFRESH MATERIALIZED VIEW without CONCURRENTLY holds ACCESS EXCLUSIVE on the view: its readers wait',
        );
      if (statement.kind === 'LockStmt')
        at(
          'explicit-lock',
          'LOCK TABLE holds its lock until the transaction ends; split by the native engine, it is refused outside a transaction block (25P01)',
        );
      if (statement.kind === 'TruncateStmt') at('ban-truncate', 'TRUNCATE empties a live table under ACCESS EXCLUSIVE');
      const renamed = breakingRename(statement);
      if (renamed) at('breaking-rename', `this renames ${renamed} that the running release still uses by its old name`);
      const target = ownTable(statement);
      if (target !== undefined && !createdHere.has(target) && addsSerialColumn(statement))
        at(
          'adding-serial-column',
          'a serial column gives every existing row a nextval(): the table is rewritten under ACCESS EXCLUSIVE',
        );
      if (columnDefinitions(statement).some((column) => lastName(column.typeName?.names) === 'json'))
        at('prefer-jsonb', 'json has no equality: DISTINCT, GROUP BY, UNION and unique indexes on it fail at run time');
    }
  }

  const concurrent = statements.filter(runsConcurrently);
  if (concurrent.length > 0) {
    const companions = statements.filter(
      (statement) => !concurrent.includes(statement) && statement.kind !== 'VariableSetStmt',
    );
    for (const statement of [...concurrent.slice(1), ...companions].sort((a, b) => a.line - b.line)) {
      report(
        statement,
        'concurrently-not-alone',
        `this file runs CONCURRENTLY (line ${concurrent[0]!.line}); this statement belongs in a migration of its own`,
      );
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

  collectFacts(statements, history);
  const unique = new Map(findings.map((finding) => [`${finding.line}:${finding.rule}`, finding]));
  return [...unique.values()].sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}
