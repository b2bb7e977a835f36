/**
 * Proof under load for rename by expand and contract (users.name → users.display_name): the
 * kit's migrations applied with the real `prisma migrate deploy` around the real backfill runner,
 * while the app's releases keep writing: the old release (knows only `name`) throughout the
 * expand and tightening steps, the new release (knows only `display_name`) from the tightening
 * on and through the contract. The naive RENAME COLUMN runs the same way as the negative control.
 */
import { describe, expect, it } from 'vitest';
import { BackfillRunner } from '#kit/backfill/run-backfill.ts';
import { userDisplayName } from '../fixtures/demo-project/src/backfills/user-display-name.ts';
import { withPgClient } from '#kit/db/pg-client.ts';
import { startConcurrentWriter } from '../support/concurrent-writer.ts';
import { demoMigration, demoMigrationsBefore, withRunnerBookkeeping } from '../support/demo-project.ts';
import { useMigratedScratchDatabases } from '../support/migrated-scratch-database.ts';
import type { ScratchProject } from '../support/scratch-project.ts';

const ROWS = 100_000;

const beforeExpand = withRunnerBookkeeping(demoMigrationsBefore('_users_display_name_expand'));
const expand = demoMigration('_users_display_name_expand');
const tightening = [
  '_users_display_name_check_not_valid',
  '_users_display_name_validate_check',
  '_users_display_name_set_not_null',
].map(demoMigration);
const contract = demoMigration('_users_name_contract');

const migratedScratchDatabase = useMigratedScratchDatabases();

async function beforeTheRename(name: string): Promise<{ project: ScratchProject; url: string }> {
  const { project, url } = await migratedScratchDatabase(`rename-${name}`, beforeExpand);
  await withPgClient(url, async (client) => {
    await client.query(
      `INSERT INTO users (email, name) SELECT 'u' || g || '@example.test', 'User ' || g FROM generate_series(1, $1) g`,
      [ROWS],
    );
    await client.query('VACUUM ANALYZE users');
  });
  return { project, url };
}

const query = <T>(url: string, sql: string) =>
  withPgClient(url, async (client) => (await client.query(sql)).rows as T[]);

async function deploy(project: ScratchProject, url: string, migrations: string[]): Promise<void> {
  for (const migration of migrations) project.copyDemoMigration(migration);
  const run = await project.prisma(url, 'migrate', 'deploy');
  expect(run.code, run.stdout + run.stderr).toBe(0);
}

describe('rename by expand and contract under concurrent writers', () => {
  it('expand, backfill, tighten, contract: no write of either release fails', async () => {
    const { project, url } = await beforeTheRename('safe');
    const oldRelease = startConcurrentWriter(url, ROWS, 'usersBeforeRename');

    await deploy(project, url, [expand]);
    const runner = await BackfillRunner.connect(url, userDisplayName);
    try {
      expect((await runner.run({ batchSize: 2000, sleepMs: 0 })).kind).toBe('finished');
    } finally {
      await runner.close();
    }

    // The new release rolls out while the old one still runs.
    const newRelease = startConcurrentWriter(url, ROWS, 'users');
    await deploy(project, url, tightening);
    // Both columns agree on every row, whichever release wrote it.
    expect(await query(url, `SELECT count(*)::int AS n FROM users WHERE name IS DISTINCT FROM display_name`)).toEqual([
      { n: 0 },
    ]);

    // The old release is retired; only then does the contract drop its column.
    const old = await oldRelease.stop();
    await deploy(project, url, [contract]);
    const current = await newRelease.stop();

    for (const writer of [old, current]) {
      expect(writer.failures).toEqual([]);
      expect(writer.writes).toBeGreaterThan(100);
    }
    expect(
      await query(
        url,
        `SELECT (SELECT count(*)::int FROM users) AS users,
                (SELECT count(*)::int FROM users WHERE display_name IS NULL) AS nulls,
                (SELECT count(*)::int FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'name') AS old_column,
                (SELECT count(*)::int FROM pg_trigger WHERE tgname = 'users_sync_name_display_name') AS triggers`,
      ),
    ).toEqual([{ users: ROWS + old.writes + current.writes, nulls: 0, old_column: 0, triggers: 0 }]);
  });

  it('naive RENAME COLUMN breaks the release that is still running', async () => {
    const { project, url } = await beforeTheRename('naive');
    const oldRelease = startConcurrentWriter(url, ROWS, 'usersBeforeRename');
    project.addMigration(
      '29990101000000_naive_rename',
      `ALTER TABLE "users" RENAME COLUMN "name" TO "display_name";\n`,
    );
    const run = await project.prisma(url, 'migrate', 'deploy');
    // Give the old release a moment of writing against the renamed table.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const old = await oldRelease.stop();

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(old.failures.length).toBeGreaterThan(0);
    expect(old.failures[0]).toMatch(/column "name" .*does not exist/);
  });
});
