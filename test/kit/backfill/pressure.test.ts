/**
 * The throttle all workers share: it reads the database's own pressure, so a session queued on a
 * lock (an app write stuck behind something) holds every runner back until the queue clears.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { readPressure, waitForHeadroom } from '#kit/backfill/pressure.ts';
import { useTestDatabase } from '../setup/test-database.ts';

const t = useTestDatabase({ demo: true });

async function connect(): Promise<pg.Client> {
  const client = new pg.Client(t.url);
  await client.connect();
  return client;
}

describe('waitForHeadroom', () => {
  it('waits while a session is queued on a lock, and goes on once the queue clears', async () => {
    const [holder, waiter, runner] = await Promise.all([connect(), connect(), connect()]);
    try {
      await holder.query(`INSERT INTO users (email, display_name) VALUES ('held@example.test', 'Held')`);
      await holder.query('BEGIN');
      await holder.query(`UPDATE users SET display_name = 'Holder' WHERE email = 'held@example.test'`);
      const queued = waiter.query(`UPDATE users SET display_name = 'Waiter' WHERE email = 'held@example.test'`);
      await expect.poll(async () => (await readPressure(runner)).lockWaiters, { timeout: 5_000 }).toBe(1);

      const events: string[] = [];
      const waited = waitForHeadroom(runner, { maxLockWaiters: 0, maxReplicationLagSeconds: 10 }).then(() =>
        events.push('runner went on'),
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      events.push('lock released');
      await holder.query('COMMIT');
      await queued;
      await waited;
      expect(events).toEqual(['lock released', 'runner went on']);

      expect(await readPressure(runner)).toEqual({ lockWaiters: 0, replicationLagSeconds: 0 });
    } finally {
      await Promise.all([holder, waiter, runner].map((client) => client.end()));
    }
  });
});
