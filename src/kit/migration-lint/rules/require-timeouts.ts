/**
 * `require-lock-timeout`, `require-statement-timeout`: every statement that locks a table that
 * exists needs both set earlier in its file. squawk has rules of these names but reports only a
 * file's first statement; these ask it of each. Creating new objects needs neither.
 */
import { statementEffects } from '../../sql/statement-effects.ts';
import type { ParsedStatement } from '../../sql/parse-statements.ts';
import { unqualified } from '../../sql/statement-shapes.ts';
import type { LintedFile } from '../linted-file.ts';
import type { FileRule, Hit } from '../rule.ts';
import { RULES_OF_THE_FILE } from './playbooks.ts';

type Timeout = 'lock_timeout' | 'statement_timeout';

/** The timeout a statement sets, and whether it is on afterwards. */
function timeoutSetting({ kind, body }: ParsedStatement): [Timeout, boolean] | undefined {
  if (kind !== 'VariableSetStmt' || !['lock_timeout', 'statement_timeout'].includes(body.name)) return undefined;
  if (body.kind !== 'VAR_SET_VALUE') return [body.name, false]; // RESET, SET … TO DEFAULT
  // A value of 0 disables the timeout, so it sets nothing.
  const value = body.args?.[0]?.A_Const;
  const on = value?.sval ? !/^0+(?:\.0*)?\s*(?:us|ms|s|min|h|d)?$/i.test(value.sval.sval) : Boolean(value?.ival?.ival);
  return [body.name, on];
}

/**
 * Statements that take a lock on a table that already exists (and so make writers wait), from the
 * same lock model `migrate:plan` reports. A foreign key counts on the table it references too
 * (SHARE ROW EXCLUSIVE), new table or not: Prisma's migration for a new model with a relation
 * queues the busy parent's writers. Row locks alone (INSERT, UPDATE, DELETE) are data-change's.
 */
const locksExistingTable = (statement: ParsedStatement, file: LintedFile) =>
  statementEffects(statement).some(
    (effect) =>
      effect.work !== 'new table' &&
      effect.lock !== 'ROW EXCLUSIVE' &&
      !file.createdHere.has(unqualified(effect.table)),
  );

function missing(timeout: Timeout, file: LintedFile): Hit[] {
  const hits: Hit[] = [];
  let isSet = false;
  for (const statement of file.statements) {
    // SET LOCAL counts too: inside the file's own transaction it holds for the statements after it.
    const setting = timeoutSetting(statement);
    if (setting?.[0] === timeout) isSet = setting[1];
    if (isSet || !locksExistingTable(statement, file)) continue;
    // Alone in its file it can't have SETs beside it (they make the file whole and PostgreSQL
    // then refuses it); the migrator role's own lock_timeout (npm run db:roles) bounds its wait.
    if (file.statements.length === 1 && statement.kind === 'DropStmt' && statement.body.concurrent) continue;
    hits.push({
      line: statement.line,
      message: `this statement locks a table that exists, and no \`SET ${timeout}\` comes before it in the file`,
    });
  }
  return hits;
}

export const requireLockTimeout: FileRule = {
  kind: 'file',
  name: 'require-lock-timeout',
  lock: 'queues behind any long transaction, and every later reader and writer queues behind it',
  fix: `SET lock_timeout = '3s'; before the statement, RESET after (${RULES_OF_THE_FILE})`,
  check: (file) => missing('lock_timeout', file),
};

export const requireStatementTimeout: FileRule = {
  kind: 'file',
  name: 'require-statement-timeout',
  lock: 'holds its lock for as long as it runs, with nothing to stop it',
  fix: `SET statement_timeout to what the statement needs, RESET after (${RULES_OF_THE_FILE})`,
  check: (file) => missing('statement_timeout', file),
};
