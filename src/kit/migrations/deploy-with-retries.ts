/**
 * `npm run migrate:deploy`: `prisma migrate deploy`, retried when a migration stopped on a lock
 * timeout and may simply run again. A lock timeout (55P03) is the guard rail working: the
 * statement gave up waiting behind a long transaction instead of queueing every writer behind
 * it, and a moment later the same statement usually goes through. pgroll and strong_migrations
 * retry it; the kit does when a second run can't do harm:
 * - the file ran whole (one transaction, rolled back) or as its own BEGIN … COMMIT; or
 * - it ran split and every statement in it can run again (src/kit/sql/rerunnable.ts).
 * Before each retry it drops the INVALID index a failed CONCURRENTLY build left (else `IF NOT
 * EXISTS` would "succeed" on an index that enforces nothing) and marks the migration rolled back,
 * as `migrate:recover -- --retry` does. Anything else stops at once, with what recover says.
 * Before the first attempt, lock-preflight.ts waits out the long transactions it would queue behind.
 */
import { DeployError } from './deploy-error.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { scrubSecret } from '../db/connection-url.ts';
import { prismaFailureLine, runPrisma } from '../prisma-cli.ts';
import { loadSqlParsers, type SqlParsers } from '../sql/parse-statements.ts';
import { isRerunnable } from '../sql/rerunnable.ts';
import type { KitSettings } from '../settings.ts';
import { lockPreflight, type PreflightSettings } from './lock-preflight.ts';
import { readMigrationHistory } from './migration-history.ts';
import { dropInvalidLeftovers, failureLine, invalidLeftovers, leftBehind, sqlOf } from './recover.ts';

export interface RetrySettings {
  /** The project: Prisma runs in its root, and a failed migration's SQL says whether it may run again. */
  project: Pick<KitSettings, 'root' | 'migrations'>;
  /** Retries after the first attempt. */
  retries: number;
  /** The wait before the first retry; each next one waits twice as long. */
  backoffMs: number;
  /** Before the first attempt: the long transactions to wait out (lock-preflight.ts). */
  preflight: PreflightSettings;
}

const LOCK_TIMEOUT = /55P03|lock timeout/i;

/** Why running `sql` again could do harm, or undefined when it can't. */
function whyNotRerunnable(parsers: SqlParsers, sql: string): string | undefined {
  if (!sql) return 'its folder is gone';
  if (parsers.planScript(sql).mode === 'whole' || leftBehind(parsers, sql).startsWith('nothing')) return undefined;
  const once = parsers.parseStatements(sql).find((statement) => !isRerunnable(statement));
  return once
    ? `it ran statement by statement, and line ${once.line} can't run twice (IF [NOT] EXISTS or CREATE OR REPLACE would let it)`
    : undefined;
}

/**
 * Deploys, retrying lock timeouts of re-runnable migrations; `log` prints each attempt as it
 * happens. Returns the attempt that deployed; throws a DeployError naming why it stopped.
 */
export async function deployWithRetries(
  url: string,
  settings: RetrySettings,
  log: (line: string) => void,
): Promise<number> {
  const { project } = settings;
  await lockPreflight(url, project.migrations, settings.preflight, log);
  const total = settings.retries + 1;
  let failedBefore: string | undefined;
  for (let attempt = 1; ; attempt += 1) {
    if (total > 1) log(`migrate deploy: attempt ${attempt} of ${total}`);
    const ready = failedBefore === undefined || (await readyToRunAgain(url, failedBefore, project, log));
    if (ready) {
      failedBefore = undefined;
      const deploy = await runPrisma(['migrate', 'deploy'], { cwd: project.root, url, echo: true });
      if (deploy.code === 0) return attempt;
      const failed = (await readMigrationHistory(url, project.migrations)).failed[0];
      // Not a migration that failed (a connection, the lock, a P3009 from before): Prisma's own line.
      if (!failed) throw new DeployError(`prisma migrate deploy failed: ${prismaFailureLine(deploy)}`);
      const error = scrubSecret(failureLine(failed).slice(0, 300), url);
      const stop = (why: string) =>
        new DeployError(`${failed.name} failed: ${error}`, {
          fix: `Not retried: ${why}. npm run migrate:recover says what to do.`,
        });
      if (!LOCK_TIMEOUT.test(failed.logs ?? '')) throw stop('only a lock timeout is retried');
      const why = whyNotRerunnable(await loadSqlParsers(), sqlOf(failed.name, project.migrations));
      if (why) throw stop(why);
      if (attempt === total)
        throw stop(
          `${total} attempts, each stopped on a lock timeout; a long transaction holds the table (npm run db:doctor shows the sessions)`,
        );
      failedBefore = failed.name;
    }
    const wait = settings.backoffMs * 2 ** (attempt - 1);
    log(`${failedBefore} stopped on a lock timeout and can run again; retrying in ${wait / 1000} s`);
    await sleep(wait);
  }
}

/**
 * Gets a migration that stopped on a lock timeout ready to run again: drops the INVALID index its
 * CONCURRENTLY build left (DROP INDEX CONCURRENTLY waits for the same transactions the build did,
 * so it may time out too: then false, and the caller waits again) and marks it rolled back.
 */
async function readyToRunAgain(
  url: string,
  name: string,
  project: RetrySettings['project'],
  log: (line: string) => void,
): Promise<boolean> {
  const leftovers = await invalidLeftovers(url, sqlOf(name, project.migrations));
  try {
    await dropInvalidLeftovers(url, leftovers);
  } catch (error) {
    if ((error as { code?: string }).code !== '55P03') throw error;
    log(`the INVALID index ${leftovers.join(', ')} is still waited on by a long transaction`);
    return false;
  }
  for (const index of leftovers) log(`dropped the INVALID index ${index}`);
  const resolve = await runPrisma(['migrate', 'resolve', '--rolled-back', name], {
    cwd: project.root,
    url,
    env: { KIT_QUIET_ENGINE_LINE: '1' },
  });
  if (resolve.code !== 0) throw new DeployError(`prisma migrate resolve failed: ${prismaFailureLine(resolve)}`);
  log(`${name} marked rolled back`);
  return true;
}
