/**
 * Recovery from a failed deploy as a team would run it, in a copy of the checkout: a migration
 * that fails on purpose, explained by migrate:recover and got out of each documented way.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { withPgClient } from '#kit/db/pg-client.ts';
import { cloneDemoDatabase } from '../setup/test-database.ts';
import { columnExists, deployTimeCopy, query, tableExists } from '../support/deploy-time-copy.ts';

const { copy, run, addMigration, removeMigration, deployed } = deployTimeCopy('recover');
afterAll(() => copy.remove());

/** A database with the whole demo history applied: a clone of the demo template the test run migrated. */
const migratedDatabase = () => cloneDemoDatabase();

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
      expect(explain.stdout).toContain(
        "error: not recorded: the failing statement ran inside the migration's own BEGIN",
      );
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
    addMigration(
      name,
      'CREATE TABLE "audit_a" (id int);\nCREATE TABLE "audit_b" (id int REFERENCES "no_such_table"(id));\n',
    );
    try {
      expect(run(url, 'prisma', 'migrate', 'deploy').code).not.toBe(0);
      const explain = run(url, 'migrate-recover');
      expect(explain.stdout).toContain('left behind: possibly part of it');
      expect(explain.stdout).toContain('in the database now, from this file: line 1: table audit_a');
      expect(await tableExists(url, 'audit_a')).toBe(true);

      await query(url, 'CREATE TABLE "audit_b" (id int)');
      expect(run(url, 'migrate-recover', '--applied').code).toBe(0);
      const status = run(url, 'prisma', 'migrate', 'status');
      expect(status.code, status.stdout + status.stderr).toBe(0);
    } finally {
      removeMigration(name);
    }
  });

  it('--rolled-back after a split file failed half-way names what its first run left, which the next deploy would meet', async () => {
    const url = await migratedDatabase();
    const name = '29990103000001_audit_pair_rolled_back';
    addMigration(
      name,
      'CREATE TABLE "audit_c" (id int);\nALTER TABLE "users" ADD COLUMN "audit_note" text;\nCREATE TABLE "audit_d" (id int REFERENCES "no_such_table"(id));\n',
    );
    try {
      expect(run(url, 'prisma', 'migrate', 'deploy').code).not.toBe(0);
      const rolledBack = run(url, 'migrate-recover', '--rolled-back');
      expect(rolledBack.code, rolledBack.stderr).toBe(0);
      expect(rolledBack.stdout).toContain(
        'still in the database from its first run: line 1: table audit_c; line 2: column users.audit_note. The next deploy runs the file from its first line',
      );
    } finally {
      removeMigration(name);
    }
  });

  it('a lock timeout: --retry marks it rolled back and deploys again', async () => {
    const url = await migratedDatabase();
    const name = '29990104000000_users_flag';
    addMigration(
      name,
      `SET lock_timeout = '500ms';\nALTER TABLE "users" ADD COLUMN IF NOT EXISTS "flag" BOOLEAN;\nRESET lock_timeout;\n`,
    );
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
  it("a unique violation is recorded and explained in PostgreSQL's words, as the native engine records it", async () => {
    const url = await migratedDatabase();
    const name = '29990107000000_unique_display_name';
    await query(
      url,
      `INSERT INTO users (email, display_name) VALUES ('a@example.test', 'Same'), ('b@example.test', 'Same')`,
    );
    addMigration(name, 'CREATE UNIQUE INDEX "users_display_name_key" ON "users" ("display_name");\n');
    try {
      expect(run(url, 'prisma', 'migrate', 'deploy').code).not.toBe(0);
      const [record] = await query<{ logs: string }>(
        url,
        `SELECT logs FROM _prisma_migrations WHERE migration_name = '${name}'`,
      );
      expect(record!.logs).toMatch(
        /^Database error code: 23505\n\nDatabase error:\nERROR: could not create unique index "users_display_name_key"\n/,
      );
      expect(run(url, 'migrate-recover').stdout).toContain(
        'error: ERROR: could not create unique index "users_display_name_key"',
      );
    } finally {
      removeMigration(name);
    }
  });

  it('names the INVALID index the build left, and --retry drops it and builds it again', async () => {
    const url = await migratedDatabase();
    const name = '29990106000000_posts_title_index';
    addMigration(
      name,
      `SET lock_timeout = '1s';\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "posts_title_idx" ON "posts" ("title");\nRESET lock_timeout;\n`,
    );
    const indexValid = async () =>
      (
        await query<{ valid: boolean }>(
          url,
          `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'posts_title_idx'`,
        )
      ).map((row) => row.valid);
    try {
      // An open transaction that wrote to posts: the build creates its index, then waits for
      // that transaction, runs out of lock_timeout and leaves the index INVALID.
      await withPgClient(url, async (client) => {
        await client.query('BEGIN');
        await client.query(`INSERT INTO users (email, display_name) VALUES ('blocker@example.test', 'Blocker')`);
        await client.query(
          `INSERT INTO posts (author_id, title) SELECT id, 'held' FROM users WHERE email = 'blocker@example.test'`,
        );
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
