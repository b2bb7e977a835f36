/**
 * The throttle every worker obeys together: before each batch a worker reads how much the whole
 * database is struggling (sessions queued on locks, replicas behind) and waits while it is over a
 * limit. The signal is the database's, not the worker's, so N workers on M machines back off at
 * once, with no coordinator. Sleeping and adaptive batch sizes (per worker) come on top of it.
 *
 * Seeing other roles' sessions in pg_stat_activity and pg_stat_replication needs pg_monitor (or
 * superuser); without it both read as calm, and the throttle does nothing: grant it to the role
 * backfills run as.
 */
import type pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';

export interface PressureLimits {
  /** Back off while more sessions than this wait on a lock (app writers queued behind batches). */
  maxLockWaiters: number;
  /** Back off while a replica replays more than this many seconds behind. */
  maxReplicationLagSeconds: number;
}

export const DEFAULT_PRESSURE_LIMITS: PressureLimits = { maxLockWaiters: 4, maxReplicationLagSeconds: 10 };

export interface Pressure {
  lockWaiters: number;
  replicationLagSeconds: number;
}

export async function readPressure(client: pg.Client): Promise<Pressure> {
  const result = await client.query<{ lock_waiters: number; lag: number }>(
    `SELECT (SELECT count(*)::int FROM pg_stat_activity
              WHERE wait_event_type = 'Lock' AND backend_type = 'client backend' AND datname = current_database()) AS lock_waiters,
            (SELECT coalesce(max(extract(epoch FROM replay_lag)), 0)::float8 FROM pg_stat_replication) AS lag`,
  );
  const row = result.rows[0]!;
  return { lockWaiters: row.lock_waiters, replicationLagSeconds: row.lag };
}

const overLimit = (pressure: Pressure, limits: PressureLimits) =>
  pressure.lockWaiters > limits.maxLockWaiters || pressure.replicationLagSeconds > limits.maxReplicationLagSeconds;

/** Waits (100 ms doubling to 5 s) until the database is under the limits; returns the ms waited. */
export async function waitForHeadroom(
  client: pg.Client,
  limits: PressureLimits,
  signal?: AbortSignal,
): Promise<number> {
  const started = performance.now();
  for (let delay = 100; overLimit(await readPressure(client), limits); delay = Math.min(delay * 2, 5_000)) {
    if (signal?.aborted) break;
    await sleep(delay, undefined, { signal }).catch(() => undefined);
  }
  return performance.now() - started;
}
