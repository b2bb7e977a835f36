/**
 * `npm run migrate:recover`: what to do when `prisma migrate deploy` stopped at a failed
 * migration. It explains the state and performs the path a person picks
 * (docs/migrations/rollback-and-recovery.md):
 * - retry: a transient failure (lock or statement timeout, lost connection) of a migration
 *   that left nothing behind: mark it rolled back and deploy again;
 * - rolled-back: the migration was fixed (or a new one replaces it) and any partial effect undone;
 * - applied: someone finished its work by hand.
 */
import { CliError } from '../cli-error.ts';
import { scrubSecret } from '../db/connection-url.ts';
import { prismaFailureLine, runPrisma } from '../prisma-cli.ts';
import { splitSqlStatements, stripComments } from '../sql/split-statements.ts';
import { migrationSql } from './migration-folders.ts';
import { readMigrationHistory, type MigrationRecord } from './migration-history.ts';

export type RecoveryAction = 'retry' | 'rolled-back' | 'applied';

/** True when the file runs all its statements in one BEGIN … COMMIT, so a failure left nothing. */
function isAtomic(sql: string): boolean {
  const code = splitSqlStatements(sql).map((statement) => stripComments(statement.text).trim().toUpperCase());
  const work = code.filter((statement) => !/^(SET|RESET)\b/.test(statement));
  return work[0] === 'BEGIN' && work.at(-1) === 'COMMIT';
}

export function explainFailure(failed: MigrationRecord, url: string): string[] {
  let sql = '';
  try {
    sql = migrationSql(failed.name);
  } catch {
    // The folder is gone; the explanation still stands.
  }
  // Migrate's log holds a wrapper message, PostgreSQL's own error line and a trace; show the middle one.
  const logLines = (failed.logs ?? '').split('\n').map((line) => line.trim()).filter(Boolean);
  const error = (logLines.find((line) => /\bERROR:/.test(line)) ?? logLines.find((line) => /error|timeout/i.test(line)) ?? 'no log recorded').replace(/^Error querying the database:\s*/, '');
  const leftovers = sql && isAtomic(sql)
    ? 'nothing: it runs in one BEGIN … COMMIT, which PostgreSQL rolled back'
    : 'possibly part of it: its statements commit one by one, so check which ran before the failing one';
  return [
    `failed migration: ${failed.name} (started ${failed.startedAt.toISOString()})`,
    `error: ${scrubSecret(error.slice(0, 300), url)}`,
    `left behind: ${leftovers}`,
    'choose one:',
    '  a timeout or lost connection, and nothing left behind  → npm run migrate:recover -- --retry',
    '  a bug: fix the migration (or add a new one), undo any partial effect → npm run migrate:recover -- --rolled-back, then deploy',
    '  you finished its work by hand                          → npm run migrate:recover -- --applied',
  ];
}

export async function recover(url: string, action: RecoveryAction | undefined): Promise<{ lines: string[]; needsAttention: boolean }> {
  const history = await readMigrationHistory(url);
  const failed = history.failed[0];
  if (!failed) {
    return { lines: [`No failed migration: ${history.applied.length} applied, ${history.pending.length} pending. Nothing to recover.`], needsAttention: false };
  }
  if (!action) return { lines: explainFailure(failed, url), needsAttention: true };

  const env = { KIT_QUIET_ENGINE_LINE: '1' };
  const resolve = await runPrisma(['migrate', 'resolve', action === 'applied' ? '--applied' : '--rolled-back', failed.name], { url, env });
  if (resolve.code !== 0) throw new CliError(`prisma migrate resolve failed: ${prismaFailureLine(resolve)}`);
  const lines = [`${failed.name} marked ${action === 'applied' ? 'applied' : 'rolled back'}.`];
  if (action !== 'retry') return { lines: [...lines, 'next: npx prisma migrate deploy'], needsAttention: false };

  const deploy = await runPrisma(['migrate', 'deploy'], { url, env, echo: true });
  if (deploy.code !== 0) throw new CliError(`the retried deploy failed again; run npm run migrate:recover to see why.`);
  return { lines: [...lines, 'deployed again.'], needsAttention: false };
}
