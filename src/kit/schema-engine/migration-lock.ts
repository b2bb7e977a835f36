/**
 * The lock that keeps two migrate commands off the same database at once: PostgreSQL advisory
 * lock 72707369, the one Prisma's engines take, so the stand-in and native-engine deploys exclude
 * each other. Held on a connection of its own until the process exits.
 *
 * It polls with pg_try_advisory_lock rather than waiting inside pg_advisory_lock, as the engine
 * does: a session waiting inside a statement holds a snapshot, and the other deploy's CREATE
 * INDEX CONCURRENTLY waits for every older snapshot in the database, so the two would block each
 * other until the waiting one timed out.
 */
import { connectPgClient } from '../db/pg-client.ts';
import type pg from 'pg';

export const MIGRATION_LOCK_KEY = 72707369;

export interface MigrationLockOptions {
  pollMs?: number;
  timeoutMs?: number;
  /** Called once when the lock is busy, so the person sees why the command waits. */
  onWait?: () => void;
}

let held: Promise<pg.Client> | undefined;

/**
 * Resolves once this process holds the lock (at once if it already does). The lock is released
 * when the process exits and its connection closes.
 */
export function acquireMigrationLock(url: string, options: MigrationLockOptions = {}): Promise<pg.Client> {
  held ??= pollForLock(url, options).catch((error: unknown) => {
    held = undefined;
    throw error;
  });
  return held;
}

async function pollForLock(url: string, options: MigrationLockOptions): Promise<pg.Client> {
  const { pollMs = 250, timeoutMs = 15 * 60_000, onWait } = options;
  const client = await connectPgClient(url);
  const deadline = Date.now() + timeoutMs;
  let warned = false;
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      MIGRATION_LOCK_KEY,
    ]);
    if (rows[0]?.locked) return client;
    if (Date.now() > deadline) {
      await client.end().catch(() => undefined);
      throw new Error(
        `Timed out after ${Math.round(timeoutMs / 60_000)} min waiting for the migration lock (advisory lock ${MIGRATION_LOCK_KEY}): another migrate command is still running against this database.`,
      );
    }
    if (!warned) onWait?.();
    warned = true;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
