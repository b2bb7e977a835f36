/**
 * Rollback and recovery as a team would run them, in a copy of the checkout with a database of
 * its own: down.sql generated and applied by migrate:rollback (and its refusals), a migration
 * that fails on purpose recovered each documented way, and the backup gate before risky
 * migrations.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withPgClient } from '../../src/db/pg-client.ts';
import { cloneTemplateDatabase } from '../setup/test-database.ts';
import { kitMigrations } from '../support/kit-migrations.ts';
import { copyProject } from '../support/project-copy.ts';

const copy = copyProject('rollback');
afterAll(() => copy.remove());

/** A database with every kit migration applied: a clone of the template the test run migrated. */
const migratedDatabase = () => cloneTemplateDatabase();

function run(url: string, command: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const [bin, ...rest] = command === 'prisma' ? [join(copy.dir, 'node_modules', '.bin', 'prisma')] : [process.execPath, '--import', 'tsx', `scripts/${command}.ts`];
  const result = spawnSync(bin!, [...rest, ...args], {
    cwd: copy.dir,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: url, KIT_QUIET_ENGINE_LINE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    timeout: 120_000,
  });
  return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

function addMigration(name: string, sql: string): void {
  mkdirSync(join(copy.dir, 'prisma', 'migrations', name), { recursive: true });
  writeFileSync(join(copy.dir, 'prisma', 'migrations', name, 'migration.sql'), sql);
}
const removeMigration = (name: string) => spawnSync('rm', ['-rf', join(copy.dir, 'prisma', 'migrations', name)]);

const query = <T>(url: string, sql: string, params: unknown[] = []) => withPgClient(url, async (client) => (await client.query(sql, params)).rows as T[]);
const columnExists = async (url: string, table: string, column: string) =>
  (await query(url, `SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = $2`, [table, column])).length === 1;
const tableExists = async (url: string, table: string) => (await query<{ present: boolean }>(url, `SELECT to_regclass($1) IS NOT NULL AS present`, [table]))[0]!.present;

function deployed(url: string) {
  const deploy = run(url, 'prisma', 'migrate', 'deploy');
  expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
}

describe('migration:down and migrate:rollback', () => {
  const name = '29990101000000_add_user_nickname';
  afterAll(() => removeMigration(name));

  it('generates down.sql, refuses what it must, rolls back the newest migration, and a deploy re-applies it', async () => {
    const url = await migratedDatabase();
    addMigration(name, 'ALTER TABLE "users" ADD COLUMN "nickname" TEXT;\n');
    deployed(url);

    const missing = run(url, 'migrate-rollback');
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(`error: ${name} has no down.sql: write one with npm run migration:down -- ${name} and review it, or fix forward with a new migration.`);
    expect(await columnExists(url, 'users', 'nickname')).toBe(true);

    const down = run(url, 'migration-down', name);
    expect(down.code, down.stderr).toBe(0);
    const downSql = readFileSync(join(copy.dir, 'prisma', 'migrations', name, 'down.sql'), 'utf8');
    expect(downSql).toMatch(/BEGIN;[\s\S]*ALTER TABLE "public"\."users" DROP COLUMN "nickname";[\s\S]*COMMIT;/);

    const notNewest = run(url, 'migrate-rollback', kitMigrations[0]!);
    expect(notNewest.code).toBe(1);
    expect(notNewest.stderr).toContain(`is not the newest applied migration (${name} is)`);

    const rollback = run(url, 'migrate-rollback');
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(await columnExists(url, 'users', 'nickname')).toBe(false);
    const status = run(url, 'prisma', 'migrate', 'status');
    expect(status.stdout + status.stderr).toMatch(new RegExp(`not yet been applied[\\s\\S]*${name}`));

    deployed(url);
    expect(await columnExists(url, 'users', 'nickname')).toBe(true);
  });

  it('migration:down refuses an unknown migration and an existing down.sql', async () => {
    const url = await migratedDatabase();
    expect(run(url, 'migration-down', 'no_such_migration').stderr.trim()).toMatch(/^error: No migration named no_such_migration in prisma\/migrations\. Newest: /);
    const reviewed = '29990101000001_reviewed_down';
    addMigration(reviewed, 'SELECT 1;\n');
    writeFileSync(join(copy.dir, 'prisma', 'migrations', reviewed, 'down.sql'), '-- reviewed by hand\n');
    try {
      const existing = run(url, 'migration-down', reviewed);
      expect(existing.code).toBe(1);
      expect(existing.stderr.trim()).toBe(`error: ${reviewed}/down.sql exists; pass --force to regenerate it.`);
      expect(readFileSync(join(copy.dir, 'prisma', 'migrations', reviewed, 'down.sql'), 'utf8')).toBe('-- reviewed by hand\n');
    } finally {
      removeMigration(reviewed);
    }
  });
});

describe('migrate:recover', () => {
  it('a migration sent whole broken on purpose: explains, nothing left behind, fixed and marked rolled back, deployed', async () => {
    const url = await migratedDatabase();
    const name = '29990102000000_audit_log';
    // The DO block does not parse for the native engine, so the file runs as one transaction.
    addMigration(name, 'CREATE TABLE "audit_log" (id int);\nDO $$ BEGIN PERFORM 1/0; END $$;\n');
    try {
      expect(run(url, 'prisma', 'migrate', 'deploy').code).not.toBe(0);

      const explain = run(url, 'migrate-recover');
      expect(explain.code).toBe(1);
      expect(explain.stdout).toContain(`failed migration: ${name}`);
      expect(explain.stdout).toMatch(/error: .*division by zero/);
      expect(explain.stdout).toContain('left behind: nothing: the engine sent the file as one transaction');
      expect(await tableExists(url, 'audit_log')).toBe(false);

      addMigration(name, 'CREATE TABLE "audit_log" (id int);\n');
      const resolve = run(url, 'migrate-recover', '--rolled-back');
      expect(resolve.code, resolve.stderr).toBe(0);
      deployed(url);
      expect(await tableExists(url, 'audit_log')).toBe(true);
      expect(run(url, 'migrate-recover').stdout).toMatch(/^No failed migration/);
    } finally {
      removeMigration(name);
    }
  });

  it('a failure inside BEGIN … COMMIT of a split file: recover says the cause went unrecorded, nothing stayed, and gets out', async () => {
    const url = await migratedDatabase();
    const name = '29990102000001_audit_begin';
    addMigration(name, 'BEGIN;\nCREATE TABLE "audit_begin" (id int);\nSELECT 1/0;\nCOMMIT;\n');
    try {
      const deploy = run(url, 'prisma', 'migrate', 'deploy');
      expect(deploy.code).not.toBe(0);
      expect(deploy.stdout + deploy.stderr).toContain('current transaction is aborted');

      const explain = run(url, 'migrate-recover');
      expect(explain.code).toBe(1);
      expect(explain.stdout).toContain('error: not recorded: the failing statement ran inside the migration\'s own BEGIN');
      expect(explain.stdout).toContain('left behind: nothing: it runs in one BEGIN … COMMIT');
      expect(await tableExists(url, 'audit_begin')).toBe(false);

      addMigration(name, 'CREATE TABLE IF NOT EXISTS "audit_begin" (id int);\n');
      expect(run(url, 'migrate-recover', '--rolled-back').code).toBe(0);
      deployed(url);
      expect(await tableExists(url, 'audit_begin')).toBe(true);
    } finally {
      removeMigration(name);
    }
  });

  it('non-atomic migration that failed half-way: finished by hand, marked applied', async () => {
    const url = await migratedDatabase();
    const name = '29990103000000_audit_pair';
    addMigration(name, 'CREATE TABLE "audit_a" (id int);\nCREATE TABLE "audit_b" (id int REFERENCES "no_such_table"(id));\n');
    try {
      expect(run(url, 'prisma', 'migrate', 'deploy').code).not.toBe(0);
      const explain = run(url, 'migrate-recover');
      expect(explain.stdout).toContain('left behind: possibly part of it');
      expect(await tableExists(url, 'audit_a')).toBe(true);

      await query(url, 'CREATE TABLE "audit_b" (id int)');
      expect(run(url, 'migrate-recover', '--applied').code).toBe(0);
      const status = run(url, 'prisma', 'migrate', 'status');
      expect(status.code, status.stdout + status.stderr).toBe(0);
    } finally {
      removeMigration(name);
    }
  });

  it('a lock timeout: --retry marks it rolled back and deploys again', async () => {
    const url = await migratedDatabase();
    const name = '29990104000000_users_flag';
    addMigration(name, `SET lock_timeout = '500ms';\nALTER TABLE "users" ADD COLUMN IF NOT EXISTS "flag" BOOLEAN;\nRESET lock_timeout;\n`);
    try {
      // A long transaction holds the table, as a slow report or a stuck worker would.
      await withPgClient(url, async (client) => {
        await client.query('BEGIN');
        await client.query('LOCK TABLE users IN ACCESS SHARE MODE');
        const blocked = run(url, 'prisma', 'migrate', 'deploy');
        expect(blocked.code).not.toBe(0);
        await client.query('COMMIT');
      });
      expect(run(url, 'migrate-recover').stdout).toMatch(/error: .*lock timeout/);
      const retry = run(url, 'migrate-recover', '--retry');
      expect(retry.code, retry.stdout + retry.stderr).toBe(0);
      expect(await columnExists(url, 'users', 'flag')).toBe(true);
    } finally {
      removeMigration(name);
    }
  });
});

describe('migrate:recover after a failed CREATE INDEX CONCURRENTLY', () => {
  it('names the INVALID index the build left, and --retry drops it and builds it again', async () => {
    const url = await migratedDatabase();
    const name = '29990106000000_posts_title_index';
    addMigration(
      name,
      `SET lock_timeout = '1s';\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "posts_title_idx" ON "posts" ("title");\nRESET lock_timeout;\n`,
    );
    const indexValid = async () =>
      (await query<{ valid: boolean }>(url, `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'posts_title_idx'`)).map((row) => row.valid);
    try {
      // An open transaction that wrote to posts: the build creates its index, then waits for
      // that transaction, runs out of lock_timeout and leaves the index INVALID.
      await withPgClient(url, async (client) => {
        await client.query('BEGIN');
        await client.query(`INSERT INTO users (email, display_name) VALUES ('blocker@example.test', 'Blocker')`);
        await client.query(`INSERT INTO posts (author_id, title) SELECT id, 'held' FROM users WHERE email = 'blocker@example.test'`);
        const failed = run(url, 'prisma', 'migrate', 'deploy');
        expect(failed.code).not.toBe(0);
        expect(failed.stdout + failed.stderr).toMatch(/P3018[\s\S]*lock timeout/);
        await client.query('ROLLBACK');
      });
      expect(await indexValid()).toEqual([false]);

      const explain = run(url, 'migrate-recover');
      expect(explain.stdout).toContain('INVALID index left by the failed build: posts_title_idx');
      const retry = run(url, 'migrate-recover', '--retry');
      expect(retry.code, retry.stdout + retry.stderr).toBe(0);
      expect(retry.stdout).toContain('dropped the INVALID index posts_title_idx');
      expect(await indexValid()).toEqual([true]);
    } finally {
      removeMigration(name);
    }
  });
});

describe('migrate:backup-if-risky', () => {
  it('runs BACKUP_COMMAND before a pending migration that drops data, and stops the deploy without one', async () => {
    const url = await migratedDatabase();
    const backup = (command: string | undefined) => {
      const env = command === undefined ? {} : { BACKUP_COMMAND: command };
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/migrate-backup-if-risky.ts'], {
        cwd: copy.dir,
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: url, BACKUP_COMMAND: '', ...env },
      });
      return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    };
    expect(backup(undefined).stdout).toContain('0 pending migration(s), none destroys data: no backup needed.');

    const name = '29990105000000_drop_posts_body';
    addMigration(name, `SET lock_timeout = '3s';\nALTER TABLE "posts" DROP COLUMN IF EXISTS "body";\nRESET lock_timeout;\n`);
    try {
      const unset = backup(undefined);
      expect(unset.code).toBe(1);
      expect(unset.stderr.trim()).toMatch(/^error: 1 pending migration\(s\) destroy data and BACKUP_COMMAND is not set/);

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
