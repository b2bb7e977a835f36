/**
 * A backfill can't report success for nothing: the job stub `migrate:new not-null --backfill`
 * writes refuses to run until its TODO is written, and a pass whose change leaves rows matching
 * the job's own `pending` says how many (the command fails on it for SQL jobs).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { UnwrittenBackfillError, type SqlBackfillJob } from '#kit/backfill/job.ts';
import { BackfillRunner } from '#kit/backfill/run-backfill.ts';
import { withPgClient } from '#kit/db/pg-client.ts';
import { dropDatabase } from '#kit/db/scratch-databases.ts';
import { backfillJobStub } from '#kit/migration-scaffold/backfill-job-stub.ts';
import { dataDir } from '#kit/project-paths.ts';
import { cloneDemoDatabase } from '../setup/test-database.ts';
import { addUsersAwaitingTimezone } from '../support/users-awaiting-backfill.ts';

const created: string[] = [];
afterEach(async () => {
  await Promise.all(created.splice(0).map((url) => dropDatabase(url)));
});

async function usersWithoutTimezone(rows: number): Promise<string> {
  const url = await cloneDemoDatabase();
  created.push(url);
  await addUsersAwaitingTimezone(url, rows);
  return url;
}

const nullTimezones = (url: string) =>
  withPgClient(
    url,
    async (client) => (await client.query('SELECT count(*)::int AS n FROM users WHERE timezone IS NULL')).rows[0].n,
  );

async function run(url: string, job: SqlBackfillJob) {
  const runner = await BackfillRunner.connect(url, job);
  try {
    return await runner.run({ batchSize: 100, sleepMs: 0 });
  } finally {
    await runner.close();
  }
}

it('the scaffolded job stub refuses to run until its value is written, and changes nothing', async () => {
  const dir = join(dataDir, 'tmp', `stub-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'user-timezone-stub.ts');
  writeFileSync(
    file,
    backfillJobStub({ job: 'user-timezone-stub', table: 'users', column: 'timezone', migration: 'users_timezone' }),
  );
  const { userTimezoneStub } = (await import(file)) as { userTimezoneStub: SqlBackfillJob };
  rmSync(dir, { recursive: true, force: true });
  const url = await usersWithoutTimezone(500);
  const refused = run(url, userTimezoneStub);
  await expect(refused).rejects.toBeInstanceOf(UnwrittenBackfillError);
  await expect(refused).rejects.toThrow(
    /^Backfill "user-timezone-stub" is still the scaffold's stub: write the value each row gets \(the TODO at `set` in src\/backfills\/user-timezone-stub\.ts\), then run it again\. Nothing was changed\.$/,
  );
  expect(await nullTimezones(url)).toBeGreaterThanOrEqual(500);
});

it('a pass whose change leaves its rows pending says how many are still pending', async () => {
  const url = await usersWithoutTimezone(500);
  const pending = await nullTimezones(url);
  const noOp: SqlBackfillJob = {
    name: 'timezone-no-op',
    description: 'rewrites each row to itself',
    table: 'users',
    key: 'id',
    pending: 'timezone IS NULL',
    set: 'timezone = timezone',
  };
  const outcome = await run(url, noOp);
  expect(outcome).toMatchObject({ kind: 'finished', rowsChanged: pending, stillPending: pending });

  const filled = await run(url, { ...noOp, name: 'timezone-utc', set: `timezone = 'UTC'` });
  expect(filled).toMatchObject({ kind: 'finished', rowsChanged: pending, stillPending: 0 });
});
