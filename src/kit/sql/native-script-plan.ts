/**
 * How Prisma's native schema engine (prisma 7.10.1, engines commit d1b3f377…) sends a migration
 * file to PostgreSQL, decided with the same parser it uses: sqlparser 0.61.0 (the Rust crate,
 * compiled to wasm in @guanmingchiu/sqlparser-ts 0.61.1), PostgreSQL dialect.
 *
 * - Every statement parses → **split**: the statements go one by one, each as its own simple
 *   query on the engine's one connection, with no transaction around them (each commits alone).
 * - Any statement does not parse (a `DO` block, `DROP INDEX CONCURRENTLY`, `ALTER SYSTEM`, …) →
 *   **whole**: the file goes as one simple query, which PostgreSQL runs as one implicit
 *   transaction: atomic, and anything refused in a transaction block fails with 25001.
 *
 * Sources: prisma-engines pull requests 5767 (split_script_into_statements) and 5799 (shadow
 * replay follows the same rule), the open 5847 (DROP INDEX CONCURRENTLY does not parse); both
 * wasm builds carry sqlparser-0.61.0, which test/kit/schema-engine/parser-version.test.ts checks.
 * Statement boundaries come from the kit's lexer (src/kit/sql/split-statements.ts); where its count
 * and the parser's disagree, the plan is `whole`, the stricter of the two.
 */
import type pg from 'pg';
import { splitSqlStatements, type SqlStatement } from './split-statements.ts';

/**
 * The engines commit whose splitting rule this module reproduces, and the sqlparser crate version
 * it and the npm build both contain. Upgrading `prisma` to another engines commit fails
 * test/kit/schema-engine/parser-version.test.ts until both are checked again and updated here.
 */
export const MODELLED_ENGINES_COMMIT = 'd1b3f377ca835d73fd50954a5e22128b9ebdd6b8';
export const NATIVE_SQLPARSER_VERSION = '0.61.0';

/** One line for a person: how the native engine will run the file. */
export function describePlan(plan: ScriptPlan): string {
  return plan.mode === 'split'
    ? `split: ${plan.statements.length} statement(s), each committing on its own`
    : `whole: one transaction (line ${plan.because.line} does not parse: ${plan.because.error})`;
}

export type ScriptPlan =
  | { mode: 'split'; statements: SqlStatement[] }
  | { mode: 'whole'; statements: SqlStatement[]; because: { line: number; error: string } };

type Sqlparser = typeof import('@guanmingchiu/sqlparser-ts');

/** The native engine's planner, as a value: it exists only once its parser is loaded. */
export interface ScriptPlanner {
  planScript(script: string): ScriptPlan;
}

let ready: Promise<ScriptPlanner> | undefined;

/**
 * Loads the parser's wasm module once per process. Imported here rather than at the top, so a
 * command pays for it only when it plans a file, and can start its slow work (the linter's drift
 * check, a Prisma child process) before.
 */
export function loadNativeParser(): Promise<ScriptPlanner> {
  ready ??= import('@guanmingchiu/sqlparser-ts').then(async (module) => {
    await module.init();
    return { planScript: (script: string) => planScript(module, script) };
  });
  return ready;
}

function parses(sqlparser: Sqlparser, sql: string): string | undefined {
  try {
    sqlparser.parse(sql, 'postgresql');
    return undefined;
  } catch (error) {
    return String((error as Error).message ?? error).replace(/^sql parser error:\s*/, '');
  }
}

function planScript(sqlparser: Sqlparser, script: string): ScriptPlan {
  const { parse } = sqlparser;
  const statements = splitSqlStatements(script);
  for (const statement of statements) {
    const error = parses(sqlparser, statement.text);
    if (error) return { mode: 'whole', statements, because: { line: statement.line, error } };
  }
  let parsedCount: number;
  try {
    parsedCount = parse(script, 'postgresql').length;
  } catch (error) {
    return { mode: 'whole', statements, because: { line: 1, error: String((error as Error).message) } };
  }
  if (parsedCount !== statements.length) {
    return {
      mode: 'whole',
      statements,
      because: {
        line: 1,
        error: `the parser sees ${parsedCount} statements where the kit's lexer sees ${statements.length}`,
      },
    };
  }
  return { mode: 'split', statements };
}

/**
 * Runs a script on one connection as the native engine would: its statements one by one, or,
 * when any of them does not parse, the whole file as one query (one implicit transaction).
 */
export async function runScriptLikeNativeEngine(connection: pg.ClientBase, script: string): Promise<void> {
  const plan = (await loadNativeParser()).planScript(script);
  if (plan.mode === 'whole') {
    await connection.query(script);
    return;
  }
  for (const statement of plan.statements) await connection.query(statement.text);
}
