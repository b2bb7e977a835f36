/**
 * Proof under load for the backfill runner: `npm run backfill` next to a concurrent writer,
 * against one UPDATE of the same rows as the negative control, measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { withPgClient } from '#kit/db/pg-client.ts';
import { dropDatabase } from '#kit/db/scratch-databases.ts';
import { cloneDemoDatabase } from '../setup/test-database.ts';
import { useDemoBackfill } from '../support/backfill-process.ts';
import { startConcurrentWriter, type WriterStats } from '../support/concurrent-writer.ts';
import { addUsersAwaitingTimezone } from '../support/users-awaiting-backfill.ts';
import { scriptCommand } from '#kit/script-command.ts';

const ROWS = 100_000;
const demo = useDemoBackfill();
const created: string[] = [];
afterAll(() => Promise.all(created.map((url) => dropDatabase(url))));

async function databaseWithUsers(): Promise<string> {
  const url = await cloneDemoDatabase();
  created.push(url);
  await addUsersAwaitingTimezone(url, ROWS);
  return url;
}

const nullTimezones = (url: string) =>
  withPgClient(
    url,
    async (client) =>
      (await client.query(`SELECT count(*)::int AS n FROM users WHERE timezone IS NULL`)).rows[0].n as number,
  );

describe('backfill under a concurrent writer', () => {
  let runner: WriterStats;

  it('npm run backfill: every row done, no failed write', async () => {
    const url = await databaseWithUsers();
    const writer = startConcurrentWriter(url, ROWS);
    const run = spawnSync(...scriptCommand('backfill', ['user-timezone', '--batch-size', '1000'], demo.dir), {
      cwd: demo.dir,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: url },
    });
    runner = await writer.stop();
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(runner.failures).toEqual([]);
    expect(await nullTimezones(url)).toBe(0);
  });

  it('one UPDATE of the same rows (the naive version) stalls the same writer over 5× longer', async () => {
    const url = await databaseWithUsers();
    const writer = startConcurrentWriter(url, ROWS);
    await withPgClient(url, (client) => client.query(`UPDATE users SET timezone = 'UTC' WHERE timezone IS NULL`));
    const naive = await writer.stop();
    expect(naive.failures).toEqual([]);
    expect(naive.maxMs).toBeGreaterThan(5 * runner.maxMs);
  });
});
