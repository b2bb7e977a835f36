/**
 * `npm run migrate:lint -- --fix`: turns a migration that `prisma migrate dev --create-only`
 * generated into the safe sequence, when the safe sequence is mechanical:
 *
 * - a plain `CREATE [UNIQUE] INDEX` on a table that already exists moves to a migration of its
 *   own, as `CREATE INDEX CONCURRENTLY IF NOT EXISTS` (alone, so the native engine splits the file
 *   and CONCURRENTLY never runs in a transaction);
 * - a validated `FOREIGN KEY` or `CHECK` added to an existing table becomes `NOT VALID`, and a
 *   next migration runs `VALIDATE CONSTRAINT` (which lets writes go on while it scans);
 * - a `UNIQUE` constraint added to an existing table becomes a unique index built CONCURRENTLY in
 *   a migration of its own, then `ADD CONSTRAINT … UNIQUE USING INDEX` (catalog only) in the next;
 * - a required column (NOT NULL, no default) added to an existing table is added nullable, and
 *   the phased NOT NULL steps of `npm run migrate:new -- not-null` follow, behind a backfill job
 *   whose value is a TODO for a person (the job file is written once, never overwritten);
 * - the file gets the guard rails (lock_timeout, statement_timeout) when it has none;
 * - with `--rename <table>.<old>:<table>.<new>`, the DROP COLUMN + ADD COLUMN Prisma writes for a
 *   renamed field becomes a rename by expand and contract (rename-by-expand-contract.ts).
 *
 * What can't be rewritten without a person's decision (a type change, a rename, SET NOT NULL on
 * an existing column) is refused with the playbook to follow; the file is left as it is.
 * Statements are read with PostgreSQL's own parser (libpg-query).
 */
import { backfillJobStub } from '../migration-scaffold/backfill-job-stub.ts';
import { header, PATTERNS, reset, timeouts } from '../migration-scaffold/templates.ts';
import { statementEffects } from '../sql/statement-effects.ts';
import { type Node, type ParsedStatement, relationName, type SqlParsers } from '../sql/parse-statements.ts';
import { stripComments } from '../sql/split-statements.ts';
import { quoteQualifiedName } from '../sql/quote-identifier.ts';
import { type Rename, renameRewrite } from './rename-by-expand-contract.ts';

export interface FixedMigration {
  /** The generated file's new content. */
  sql: string;
  /** Migrations to add after it, in order: a name suffix and the SQL. */
  next: Array<{ suffix: string; sql: string }>;
  /** Backfill job files the follow-ups need (file name in src/backfills/, content). */
  jobs: Array<{ file: string; source: string }>;
  /** What changed, one line each. */
  changes: string[];
}

export type FixOutcome =
  | { kind: 'fixed'; fix: FixedMigration }
  | { kind: 'nothing-to-fix' }
  | { kind: 'refused'; reasons: string[] };

/** `ADD COLUMN c T NOT NULL` without a default: fails on a table with rows, as Prisma generates it. */
function isRequiredColumn(cmd: Node): boolean {
  const constraints = (cmd.def?.ColumnDef?.constraints ?? []).map((c: Node) => c.Constraint.contype);
  return constraints.includes('CONSTR_NOTNULL') && !constraints.includes('CONSTR_DEFAULT');
}

/** Changes to an existing table that have no mechanical safe form: which playbook to follow. */
function refusal(stmt: Node, createdHere: Set<string>): string | undefined {
  if (stmt.RenameStmt) return 'a rename breaks the running release: follow docs/migrations/rename-expand-contract.md';
  const alter = stmt.AlterTableStmt;
  if (!alter || createdHere.has(relationName(alter.relation))) return undefined;
  for (const { AlterTableCmd: cmd } of alter.cmds ?? []) {
    if (cmd.subtype === 'AT_AlterColumnType')
      return 'a type change rewrites the table: add a new column and backfill it (docs/migrations/rename-expand-contract.md)';
    if (cmd.subtype === 'AT_SetNotNull')
      return 'SET NOT NULL scans under ACCESS EXCLUSIVE: follow docs/migrations/phased-not-null-column.md (npm run migrate:new -- not-null)';
    // A required column is rewritten (requiredColumn below) when it is the statement's only change.
    if (cmd.subtype === 'AT_AddColumn' && isRequiredColumn(cmd) && alter.cmds.length > 1) {
      return 'a required column without a default, beside other changes in one ALTER: split the ALTER, or follow docs/migrations/phased-not-null-column.md (npm run migrate:new -- not-null)';
    }
  }
  return undefined;
}

/** Whether a statement locks a table that exists before this file (so the file needs timeouts). */
const locksExisting = (statement: ParsedStatement, createdHere: Set<string>) =>
  statementEffects(statement).some((effect) => effect.work !== 'new table' && !createdHere.has(effect.table));

const indexMigration = (index: Node, sql: string, from: string) =>
  header([
    `Pattern: index without blocking writes (CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY), alone in its file.`,
    `  Moved here from ${from} by \`npm run migrate:lint -- --fix\`.`,
    `Lock: SHARE UPDATE EXCLUSIVE on ${relationName(index.relation)} for the whole build: writes go on.`,
    'Ships before: nothing; schema.prisma already declares the index.',
  ]) +
  timeouts('5s', '1h') +
  `${stripComments(sql)
    .trim()
    .replace(
      /^CREATE\s+(UNIQUE\s+)?INDEX\s+(IF\s+NOT\s+EXISTS\s+)?/i,
      (_, unique: string | undefined) => `CREATE ${unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY IF NOT EXISTS `,
    )};\n` +
  reset;

const validateMigration = (table: string, constraint: string, from: string) =>
  header([
    `Pattern: constraint without blocking writes, step 2: VALIDATE what ${from} added NOT VALID.`,
    '  Written by `npm run migrate:lint -- --fix`.',
    `Lock: SHARE UPDATE EXCLUSIVE on ${table} while it scans: reads and writes go on.`,
    `Ships before: ${from}. Rows that break the constraint make this fail; fix them, then deploy again.`,
  ]) +
  timeouts('5s', '1h') +
  `ALTER TABLE ${quoteQualifiedName(table)} VALIDATE CONSTRAINT ${quoteQualifiedName(constraint)};\n` +
  reset;

/** `ADD CONSTRAINT … UNIQUE (…)` in two steps: the index without blocking writes, then the constraint on it. */
function uniqueConstraintMigrations(table: string, constraint: Node, from: string): FixedMigration['next'] {
  const name: string = constraint.conname;
  const columns = (constraint.keys ?? []).map((key: Node) => quoteQualifiedName(key.String.sval)).join(', ');
  const nulls = constraint.nulls_not_distinct ? ' NULLS NOT DISTINCT' : '';
  const deferrable = `${constraint.deferrable ? ' DEFERRABLE' : ''}${constraint.initdeferred ? ' INITIALLY DEFERRED' : ''}`;
  const index =
    header([
      'Pattern: unique constraint without blocking writes, step 1: its index, built CONCURRENTLY, alone in its file.',
      `  Written by \`npm run migrate:lint -- --fix\` from ${from}.`,
      `Lock: SHARE UPDATE EXCLUSIVE on ${table} for the whole build: writes go on.`,
      'Ships before: nothing. Duplicate rows make the build fail and leave an INVALID index: npm run migrate:recover.',
    ]) +
    timeouts('5s', '1h') +
    `CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${quoteQualifiedName(name)} ON ${quoteQualifiedName(table)} (${columns})${nulls};\n` +
    reset;
  const attach =
    header([
      'Pattern: unique constraint without blocking writes, step 2: the constraint, on the index step 1 built.',
      '  Written by `npm run migrate:lint -- --fix`.',
      `Lock: ACCESS EXCLUSIVE on ${table}, catalog only (the index is already there): milliseconds.`,
      `Ships before: step 1, in the migration before this one (${name} valid).`,
    ]) +
    timeouts('3s', '30s') +
    // PostgreSQL has no ADD CONSTRAINT IF NOT EXISTS; the check makes a re-run after a failure safe.
    `DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = '${name.replaceAll("'", "''")}' AND conrelid = '${quoteQualifiedName(table)}'::regclass) THEN\n` +
    `    ALTER TABLE ${quoteQualifiedName(table)} ADD CONSTRAINT ${quoteQualifiedName(name)} UNIQUE USING INDEX ${quoteQualifiedName(name)}${deferrable};\n` +
    '  END IF;\nEND $$;\n' +
    reset;
  return [
    { suffix: `index_${name}`, sql: index },
    { suffix: `constraint_${name}`, sql: attach },
  ];
}

/**
 * `ADD COLUMN c T NOT NULL` on an existing table: the column nullable in the generated file, and
 * the not-null pattern's three migrations behind a backfill job named `<table>-<column>`.
 */
function requiredColumn(table: string, cmd: Node, statement: string, from: string) {
  const column: string = cmd.def.ColumnDef.colname;
  const job = `${table}-${column}`.replace(/_/g, '-');
  const nullable = statement.replace(/\s+NOT\s+NULL\b/i, '');
  const steps = PATTERNS['not-null']!.build(column, { table, column, backfill: job });
  return {
    nullable: `${nullable};`,
    next: steps.map((step) => ({ suffix: step.name, sql: step.sql })),
    job: { file: `${job}.ts`, source: backfillJobStub({ job, table, column, migration: `${from}_${column}` }) },
  };
}

/** What a rewrite makes of one generated statement. */
interface StatementRewrite {
  /** What stays in the generated file in its place; nothing when the statement moved out. */
  kept?: string;
  next: FixedMigration['next'];
  jobs?: FixedMigration['jobs'];
  /** One line for the person, without the statement's line number. */
  change: string;
  /** What stays still takes a lock on an existing table, briefly: the file needs the guard rails. */
  locksBriefly?: boolean;
}

interface GeneratedStatement {
  statement: ParsedStatement;
  /** Tables this file creates: a change to one of them blocks nobody and is left as it is. */
  createdHere: Set<string>;
  /** The generated migration's folder name. */
  migration: string;
}

/** The ALTER's one command, when it has exactly one of `subtype`. */
function onlyCommand(statement: ParsedStatement, subtype: string): Node | undefined {
  const cmds: Node[] = (statement.stmt.AlterTableStmt?.cmds ?? []).map((cmd: Node) => cmd.AlterTableCmd);
  return cmds.length === 1 && cmds[0]!.subtype === subtype ? cmds[0] : undefined;
}

const alteredTable = (statement: ParsedStatement) => relationName(statement.stmt.AlterTableStmt?.relation);

function indexConcurrently({ statement, createdHere, migration }: GeneratedStatement): StatementRewrite | undefined {
  const index = statement.stmt.IndexStmt;
  if (!index || index.concurrent || createdHere.has(relationName(index.relation))) return undefined;
  return {
    next: [{ suffix: `index_${index.idxname}`, sql: indexMigration(index, statement.text, migration) }],
    change: `CREATE INDEX ${index.idxname} moved to its own migration, CONCURRENTLY`,
  };
}

function constraintNotValid({ statement, createdHere, migration }: GeneratedStatement): StatementRewrite | undefined {
  const constraint = onlyCommand(statement, 'AT_AddConstraint')?.def.Constraint;
  const table = alteredTable(statement);
  if (
    !constraint ||
    !['CONSTR_FOREIGN', 'CONSTR_CHECK'].includes(constraint.contype) ||
    constraint.skip_validation ||
    createdHere.has(table)
  )
    return undefined;
  return {
    kept: `${statement.text} NOT VALID;`,
    next: [{ suffix: `validate_${constraint.conname}`, sql: validateMigration(table, constraint.conname, migration) }],
    change: `${constraint.conname} added NOT VALID, validated in the next migration`,
    // ADD … NOT VALID still takes its lock (SHARE ROW EXCLUSIVE for a foreign key), briefly.
    locksBriefly: true,
  };
}

function requiredColumnPhased({ statement, createdHere, migration }: GeneratedStatement): StatementRewrite | undefined {
  const addColumn = onlyCommand(statement, 'AT_AddColumn');
  const table = alteredTable(statement);
  if (!addColumn || !isRequiredColumn(addColumn) || createdHere.has(table)) return undefined;
  const rewrite = requiredColumn(table, addColumn, statement.text, migration.replace(/^\d{14}_/, ''));
  return {
    kept: rewrite.nullable,
    next: rewrite.next,
    jobs: [rewrite.job],
    change: `${addColumn.def.ColumnDef.colname} added nullable; the phased NOT NULL steps follow, behind the backfill job src/backfills/${rewrite.job.file}: write its value (the TODO; the job is listed in src/backfills/index.ts) and run it before those steps deploy (the first refuses while NULLs remain)`,
    locksBriefly: true,
  };
}

function uniqueUsingIndex({ statement, createdHere, migration }: GeneratedStatement): StatementRewrite | undefined {
  const constraint = onlyCommand(statement, 'AT_AddConstraint')?.def.Constraint;
  const table = alteredTable(statement);
  // INCLUDE, storage options or a tablespace have no place in USING INDEX's simple form: left as they are.
  const plainUnique =
    constraint?.contype === 'CONSTR_UNIQUE' &&
    !constraint.indexname &&
    !constraint.including &&
    !constraint.options &&
    !constraint.indexspace;
  if (!plainUnique || createdHere.has(table)) return undefined;
  return {
    next: uniqueConstraintMigrations(table, constraint, migration),
    change: `${constraint.conname} becomes a unique index built CONCURRENTLY, then a constraint USING it`,
  };
}

/** The mechanical rewrites, tried in order; the first that applies to a statement wins. */
const REWRITES = [indexConcurrently, constraintNotValid, requiredColumnPhased, uniqueUsingIndex];

/**
 * `migration` is the folder name, `sql` its generated migration.sql; `renames` are the drops and
 * adds a person named as renames (--rename).
 */
export function fixGeneratedMigration(
  parsers: SqlParsers,
  migration: string,
  sql: string,
  renames: Rename[] = [],
): FixOutcome {
  // Hand-written migrations (the kit's header) are a person's decisions: never rewritten.
  if (/^\s*--\s*Pattern:/.test(sql)) return { kind: 'nothing-to-fix' };
  const statements = parsers.parseStatements(sql);
  const unparsed = statements.find((statement) => statement.error !== undefined);
  if (unparsed) {
    return { kind: 'refused', reasons: [`line ${unparsed.line} does not parse in PostgreSQL: ${unparsed.error}`] };
  }
  const createdHere = new Set(
    statements.filter((s) => s.stmt.CreateStmt).map((s) => relationName(s.stmt.CreateStmt.relation)),
  );
  const rewrites = renames.flatMap((rename) => renameRewrite(statements, rename, migration) ?? []);
  const renamed = new Map(
    rewrites.flatMap((rewrite) => (typeof rewrite === 'string' ? [] : rewrite.lines.map((line) => [line, rewrite]))),
  );
  const reasons = [
    ...rewrites.filter((rewrite) => typeof rewrite === 'string'),
    ...statements.flatMap((s) => {
      const why = renamed.has(s.line) ? undefined : refusal(s.stmt, createdHere);
      return why ? [`line ${s.line}: ${why}`] : [];
    }),
  ];
  if (reasons.length > 0) return { kind: 'refused', reasons };

  const kept: string[] = [];
  const next: FixedMigration['next'] = [];
  const jobs: FixedMigration['jobs'] = [];
  const changes: string[] = [];
  let needsGuards = false;
  for (const statement of statements) {
    const rename = renamed.get(statement.line);
    if (rename) {
      // The drop and the add may be two ALTERs: the rewrite is written once, at the first.
      if (statement.line === Math.min(...rename.lines)) {
        next.push(...rename.next);
        jobs.push(rename.job);
        changes.push(rename.change);
      }
      continue;
    }
    const generated = { statement, createdHere, migration };
    const rewrite = REWRITES.reduce<StatementRewrite | undefined>((found, fix) => found ?? fix(generated), undefined);
    if (!rewrite) {
      needsGuards ||= locksExisting(statement, createdHere);
      kept.push(`${statement.text};`);
      continue;
    }
    if (rewrite.kept) kept.push(rewrite.kept);
    next.push(...rewrite.next);
    jobs.push(...(rewrite.jobs ?? []));
    changes.push(`line ${statement.line}: ${rewrite.change}`);
    needsGuards ||= rewrite.locksBriefly === true;
  }
  const guarded = !needsGuards || /\bSET\s+(LOCAL\s+)?lock_timeout\b/i.test(sql);
  if (changes.length === 0 && guarded) return { kind: 'nothing-to-fix' };
  if (!guarded) changes.push('guard rails added: lock_timeout and statement_timeout');
  const body = kept.join('\n\n');
  const rewritten = kept.length === 0 ? '' : guarded ? `${body}\n` : `${timeouts('3s', '30s')}\n${body}\n\n${reset}`;
  return { kind: 'fixed', fix: { sql: rewritten, next, jobs, changes } };
}
