import { withPgClient } from '#kit/db/pg-client.ts';

/**
 * Puts `users` back in the state between step 1 and step 3 of the phased timezone column
 * (nullable, backfill not yet run) and adds `rows` users with a NULL timezone: the input of the
 * `user-timezone` backfill, for its tests and benchmark.
 */
export async function addUsersAwaitingTimezone(url: string, rows: number): Promise<void> {
  await withPgClient(url, async (client) => {
    await client.query('ALTER TABLE users ALTER COLUMN timezone DROP NOT NULL');
    await client.query(
      `INSERT INTO users (email, display_name, timezone) SELECT 'u' || g || '@example.test', 'User ' || g, NULL FROM generate_series(1, $1) g`,
      [rows],
    );
    await client.query('VACUUM ANALYZE users');
  });
}
