/**
 * `npm run db:doctor` reads what a managed host would leave unclear: the server, the TLS the kit
 * will use, the role's rights, the history, and a leftover session holding Migrate's lock (named,
 * with the statement that ends it, which the doctor never runs itself). A problem exits 1.
 */
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { withPgClient } from '#kit/db/pg-client.ts';
import { projectRoot } from '#kit-test/support/checkout.ts';
import { MIGRATION_LOCK_KEY } from '#kit/schema-engine/migration-lock.ts';
import { scriptCommand } from '#kit/script-command.ts';
import { cloneTemplateDatabase } from '../setup/test-database.ts';

function doctor(url: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url };
  delete env.SHADOW_DATABASE_URL;
  delete env.TEST_DATABASE_URL;
  const run = spawnSync(...scriptCommand('db-doctor', [], projectRoot), { cwd: projectRoot, encoding: 'utf8', env });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

it('describes a healthy database and exits 0', async () => {
  const url = await cloneTemplateDatabase();
  const run = doctor(url);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toMatch(
    /^ {2}server +PostgreSQL 1[4-8]\.\d+; system identifier \d+(, named in KIT_DEV_SERVER_ID)?; not encrypted$/m,
  );
  expect(run.stdout).toMatch(/^ {2}connection +direct; no TLS \(sslmode unset/m);
  expect(run.stdout).toMatch(/^ {2}role +\w+: .*owns the database; schema public \(owner \w+\): USAGE, CREATE$/m);
  expect(run.stdout).toMatch(/^ {2}migrations +\d+ applied, 0 failed, 0 pending; Migrate's lock is free$/m);
  expect(run.stdout.trim().split('\n').at(-1)).toBe('no problems found');
  expect(run.stdout + run.stderr).not.toContain(new URL(url).password);
});

it('names the session holding the migration lock and a pooled URL, exits 1, and ends nothing', async () => {
  const url = await cloneTemplateDatabase();
  await withPgClient(url, async (leftover) => {
    const pid = (await leftover.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    await leftover.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const run = doctor(`${url}?pgbouncer=true`);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^ {2}connection +pooled \(it says pgbouncer=true\); /m);
    expect(run.stdout).toContain(
      `problem: Migrate's lock (advisory lock ${MIGRATION_LOCK_KEY}) is held by session ${pid} (`,
    );
    expect(run.stdout).toContain(`end that session: SELECT pg_terminate_backend(${pid});`);
    expect(run.stdout).toMatch(/^ {2}problem: Migration commands refuse a transaction-mode pooler's URL/m);
    expect(run.stderr.trim().split('\n')).toEqual(['error: 2 problem(s) above, each with its fix.']);
    // Still holding it: the doctor only reads.
    expect((await leftover.query('SELECT 1 AS alive')).rows).toEqual([{ alive: 1 }]);
  });
});
