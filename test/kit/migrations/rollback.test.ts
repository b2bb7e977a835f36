/**
 * Rollback as a team would run it, in a copy of the checkout: down.sql generated and applied by
 * migrate:rollback (and its refusals), and the backup gate before risky migrations.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cloneDemoDatabase } from '../setup/test-database.ts';
import { demoMigrations } from '../support/demo-project.ts';
import { columnExists, deployTimeCopy } from '../support/deploy-time-copy.ts';
import { scriptCommand } from '#kit/script-command.ts';

const { copy, run, addMigration, removeMigration, deployed } = deployTimeCopy('rollback');
afterAll(() => copy.remove());

/** A database with the whole demo history applied: a clone of the demo template the test run migrated. */
const migratedDatabase = () => cloneDemoDatabase();

describe('migrate:rollback --write and migrate:rollback', () => {
  const name = '29990101000000_add_user_nickname';
  afterAll(() => removeMigration(name));

  it('generates down.sql, refuses what it must, rolls back the newest migration, and a deploy re-applies it', async () => {
    const url = await migratedDatabase();
    addMigration(name, 'ALTER TABLE "users" ADD COLUMN "nickname" TEXT;\n');
    deployed(url);

    const missing = run(url, 'migrate-rollback');
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(
      `error: ${name} has no down.sql: write one with npm run migrate:rollback -- --write ${name} and review it, or fix forward with a new migration.`,
    );
    expect(await columnExists(url, 'users', 'nickname')).toBe(true);

    const down = run(url, 'migrate-rollback', '--write', name);
    expect(down.code, down.stderr).toBe(0);
    const downSql = readFileSync(join(copy.dir, 'prisma', 'migrations', name, 'down.sql'), 'utf8');
    expect(downSql).toMatch(/BEGIN;[\s\S]*ALTER TABLE "public"\."users" DROP COLUMN "nickname";[\s\S]*COMMIT;/);

    const notNewest = run(url, 'migrate-rollback', demoMigrations[0]!);
    expect(notNewest.code).toBe(1);
    expect(notNewest.stderr).toContain(`is not the newest applied migration (${name} is)`);

    const rollback = run(url, 'migrate-rollback');
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(await columnExists(url, 'users', 'nickname')).toBe(false);
    const status = run(url, 'prisma', 'migrate', 'status');
    expect(status.stdout + status.stderr).toMatch(new RegExp(`not yet been applied[\\s\\S]*${name}`));

    deployed(url);
    expect(await columnExists(url, 'users', 'nickname')).toBe(true);
  }, 300_000); // about 10 commands: 60 s quiet, 93 s with a CPU hog per core

  it('migrate:rollback --write refuses an unknown migration and an existing down.sql', async () => {
    const url = await migratedDatabase();
    expect(run(url, 'migrate-rollback', '--write', 'no_such_migration').stderr.trim()).toMatch(
      /^error: No migration named no_such_migration in prisma\/migrations\. Newest: /,
    );
    const reviewed = '29990101000001_reviewed_down';
    addMigration(reviewed, 'SELECT 1;\n');
    writeFileSync(join(copy.dir, 'prisma', 'migrations', reviewed, 'down.sql'), '-- reviewed by hand\n');
    try {
      const existing = run(url, 'migrate-rollback', '--write', reviewed);
      expect(existing.code).toBe(1);
      expect(existing.stderr.trim()).toBe(`error: ${reviewed}/down.sql exists; pass --force to regenerate it.`);
      expect(readFileSync(join(copy.dir, 'prisma', 'migrations', reviewed, 'down.sql'), 'utf8')).toBe(
        '-- reviewed by hand\n',
      );
    } finally {
      removeMigration(reviewed);
    }
  });
});

describe('migrate:backup-if-risky', () => {
  it('runs BACKUP_COMMAND before a pending migration that drops data, and stops the deploy without one', async () => {
    const url = await migratedDatabase();
    const backup = (command: string | undefined) => {
      const env = command === undefined ? {} : { BACKUP_COMMAND: command };
      const result = spawnSync(...scriptCommand('migrate-backup-if-risky', [], copy.dir), {
        cwd: copy.dir,
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: url, BACKUP_COMMAND: '', ...env },
      });
      return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    };
    expect(backup(undefined).stdout).toContain('0 pending migration(s), none destroys data: no backup needed.');

    const name = '29990105000000_drop_posts_body';
    addMigration(
      name,
      `SET lock_timeout = '3s';\nALTER TABLE "posts" DROP COLUMN IF EXISTS "body";\nRESET lock_timeout;\n`,
    );
    try {
      const unset = backup(undefined);
      expect(unset.code).toBe(1);
      expect(unset.stderr.trim()).toMatch(
        /^error: 1 pending migration\(s\) destroy data and BACKUP_COMMAND is not set/,
      );

      const marker = join(copy.dir, '.data', 'backup-marker');
      const done = backup(`echo "$RISKY_MIGRATIONS" > ${marker}`);
      expect(done.code, done.stderr).toBe(0);
      expect(readFileSync(marker, 'utf8').trim()).toBe(name);

      const failing = backup('exit 3');
      expect(failing.code).toBe(1);
      expect(failing.stderr.trim()).toBe('error: BACKUP_COMMAND failed (exit 3); not migrating.');
      expect(existsSync(marker)).toBe(true);
      expect(await columnExists(url, 'posts', 'body')).toBe(true);
    } finally {
      removeMigration(name);
    }
  });
});
