/**
 * A migration file as PostgreSQL's own parser reads it: libpg-query, the server's parser compiled
 * to wasm, with its PL/pgSQL parser for DO blocks. The linter, the deploy plan and `--fix` read
 * statements from here rather than from their text, so a quoted name, a comment or a DO block
 * can't hide what a statement does.
 *
 * Statement boundaries and line numbers come from the kit's lexer (split-statements.ts), the same
 * ones the stand-in and the native-engine model use, so a finding points where they would fail.
 */
import type { Node as PgNode } from '@pgsql/types';
import { loadNativeParser, type ScriptPlan } from './native-script-plan.ts';
import { splitSqlStatements, type SqlStatement } from './split-statements.ts';

/** A node of libpg-query's JSON tree, untyped: the readers that haven't moved to `nodeAs` yet. */
// biome-ignore lint/suspicious/noExplicitAny: libpg-query's JSON tree, read field by field
export type Node = Record<string, any>;

/** The kinds of libpg-query's typed tree (@pgsql/types, the types libpg-query ships with). */
export type NodeKind = PgNode extends infer N ? (N extends Record<infer K, unknown> ? K : never) : never;
export type NodeOf<K extends NodeKind> = Extract<PgNode, Record<K, unknown>>[K];

/** A node's fields, typed, when it is a `kind` (`nodeAs(cmd.def, 'ColumnDef')`); else undefined. */
export function nodeAs<K extends NodeKind>(node: PgNode | Node | undefined, kind: K): NodeOf<K> | undefined {
  return node && kind in node ? (node as Record<K, NodeOf<K>>)[kind] : undefined;
}

export interface ParsedStatement extends SqlStatement {
  /** The node's kind (`AlterTableStmt`, `DoStmt`, …); undefined when PostgreSQL's parser refuses the text. */
  kind?: string;
  /** The node's fields (`{}` when it did not parse). */
  body: Node;
  /** The whole `stmt` node, `{ [kind]: body }`, as libpg-query returns it. */
  stmt: Node;
  /** PostgreSQL's syntax error, when it did not parse. */
  error?: string;
  /**
   * For a DO block: the SQL statements in its body, parsed (a literal `EXECUTE '…'` included;
   * statements built at run time can't be seen). Empty for every other statement.
   */
  inner: ParsedStatement[];
}

type LibpgQuery = typeof import('libpg-query');

/**
 * The kit's SQL readers, as a value: there is no way to parse before the wasm parsers are
 * loaded, because the functions exist only on what `loadSqlParsers()` resolves to.
 */
export interface SqlParsers {
  /** A migration file, statement by statement, as PostgreSQL's parser reads it. */
  parseStatements(sql: string): ParsedStatement[];
  /** How Prisma's native engine will run the file (native-script-plan.ts). */
  planScript(script: string): ScriptPlan;
  /** The text of the CHECK expression at or after byte `from` of a statement. */
  checkExpressionText(statement: SqlStatement, from: number): string | undefined;
}

let loaded: Promise<SqlParsers> | undefined;

/**
 * Loads both wasm parsers once per process: PostgreSQL's and the native engine's (sqlparser).
 * Imported here, not at the top: a command that parses starts its slow work first (the linter's
 * drift check is a Prisma child process) and loads the parsers while that runs.
 */
export function loadSqlParsers(): Promise<SqlParsers> {
  loaded ??= (async () => {
    const [libpg, native] = await Promise.all([import('libpg-query'), loadNativeParser()]);
    await libpg.loadModule();
    return {
      parseStatements: (sql) => splitSqlStatements(sql).map((statement) => parseOne(libpg, statement)),
      planScript: native.planScript,
      checkExpressionText: (statement, from) => checkExpressionText(libpg, statement, from),
    };
  })();
  return loaded;
}

function parseOne(libpg: LibpgQuery, statement: SqlStatement): ParsedStatement {
  const { parseSync } = libpg;
  let stmt: Node;
  try {
    // The lexer gave one statement; BEGIN ATOMIC bodies aside, the parser finds one too.
    stmt = (parseSync(statement.text).stmts?.[0]?.stmt ?? {}) as Node;
  } catch (error) {
    return { ...statement, body: {}, stmt: {}, error: String((error as Error).message ?? error), inner: [] };
  }
  const [kind, body] = (Object.entries(stmt)[0] ?? [undefined, {}]) as [string | undefined, Node];
  const parsed: ParsedStatement = { ...statement, kind, body, stmt, inner: [] };
  if (kind === 'DoStmt') parsed.inner = doBlockStatements(libpg, statement);
  return parsed;
}

/** `'CREATE INDEX …'` as an EXECUTE argument → its text; anything computed → undefined. */
function literalText(libpg: LibpgQuery, expression: string): string | undefined {
  const { parseSync } = libpg;
  try {
    const select = parseSync(`SELECT ${expression}`).stmts?.[0]?.stmt as Node | undefined;
    const target = select?.SelectStmt?.targetList;
    return target?.length === 1 ? target[0].ResTarget?.val?.A_Const?.sval?.sval : undefined;
  } catch {
    return undefined;
  }
}

/** The SQL inside a DO block's body, each reported at the DO statement's own line. */
function doBlockStatements(libpg: LibpgQuery, statement: SqlStatement): ParsedStatement[] {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const record = node as Node;
    const query = record.PLpgSQL_stmt_execsql?.sqlstmt?.PLpgSQL_expr?.query;
    if (typeof query === 'string') texts.push(query);
    const dynamic = record.PLpgSQL_stmt_dynexecute?.query?.PLpgSQL_expr?.query;
    const literal = typeof dynamic === 'string' ? literalText(libpg, dynamic) : undefined;
    if (literal !== undefined) texts.push(literal);
    for (const value of Object.values(record)) walk(value);
  };
  const { parsePlPgSQLSync } = libpg;
  try {
    walk(parsePlPgSQLSync(statement.text));
  } catch {
    return []; // a body PL/pgSQL refuses fails at deploy too; the DO statement is read as it is
  }
  return texts
    .flatMap((text) => splitSqlStatements(text).map(({ text }) => text))
    .map((text) => parseOne(libpg, { text, line: statement.line }))
    .filter((inner) => inner.kind !== undefined); // PL/pgSQL variables in it: not plain SQL
}

/**
 * The text of the parenthesised expression that follows the first `CHECK` at or after byte
 * `from` of `statement.text` (a Constraint node's location), without its parentheses: read with
 * PostgreSQL's own lexer, so a parenthesis in a string or a quoted name doesn't count.
 */
function checkExpressionText(libpg: LibpgQuery, statement: SqlStatement, from: number): string | undefined {
  const { scanSync } = libpg;
  const tokens = scanSync(statement.text).tokens;
  const check = tokens.findIndex((token) => token.start >= from && token.text.toUpperCase() === 'CHECK');
  if (check < 0 || tokens[check + 1]?.text !== '(') return undefined;
  let depth = 0;
  for (const token of tokens.slice(check + 1)) {
    if (token.text === '(') depth += 1;
    if (token.text === ')') depth -= 1;
    if (depth === 0) {
      const bytes = Buffer.from(statement.text);
      return bytes
        .subarray(tokens[check + 1]!.end, token.start)
        .toString()
        .trim();
    }
  }
  return undefined;
}

/** The statement itself, or for a DO block the statements in its body. */
export const effectiveStatements = (statement: ParsedStatement): ParsedStatement[] =>
  statement.kind === 'DoStmt' ? statement.inner : [statement];

/** `posts` or `public.posts`, as the statement names it (the parser has already folded case); `?` when it names none. */
export const relationName = (relation: Node | undefined): string =>
  relation ? [relation.schemaname, relation.relname].filter(Boolean).join('.') : '?';

/** An ALTER TABLE's subcommands (`AlterTableCmd` bodies); none for any other statement. */
export const alterCommands = (statement: ParsedStatement): Node[] =>
  statement.kind === 'AlterTableStmt' ? (statement.body.cmds ?? []).map((cmd: Node) => cmd.AlterTableCmd) : [];

/** Whether a statement's option list (`VACUUM (FULL)`, `REINDEX (CONCURRENTLY)`) names `name`. */
export const hasOption = (options: Node[] | undefined, name: string) =>
  (options ?? []).some((option) => option.DefElem?.defname === name);

/** Column types that fill every existing row from a sequence (a volatile default). */
export const SERIAL_TYPES = new Set(['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial']);

/** The last part of a qualified name list (`pg_catalog.varchar` → `varchar`). */
export const lastName = (names: Node[] | undefined) => names?.at(-1)?.String?.sval as string | undefined;
