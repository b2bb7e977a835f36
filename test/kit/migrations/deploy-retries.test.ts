/**
 * `npm run migrate:deploy` in a copy of the checkout with the real CLI. It retries a lock timeout:
 * a session holds a lock the migration needs, the first attempt gives up after its lock_timeout,
 * the session ends, and the retry deploys; for a plain ALTER, and for a CONCURRENTLY unique index
 * whose failed build left an INVALID index that must be dropped before `IF NOT EXISTS` runs again.
 * A file that can't run twice is not retried. And its preflight waits out, or names, a session
 * idle in a transaction on the table before anything runs.
 */
import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { scriptCommand } from '#kit/script-command.ts';
import { cloneDemoDatabase } from '../setup/test-database.ts';
import { columnExists, deployTimeCopy, query } from '../support/deploy-time-copy.ts';

const { copy, addMigration, removeMigration } = deployTimeCopy('deploy-retries');
afterAll(() => copy.remove());

/**
 * Runs migrate:deploy while a test session holds a lock; calls `onCue` once, with the output so
 * far, when the command prints `cue` (the session ends its transaction there).
 */
function deployHeldOpen(url: string, args: string[], cue: string, onCue: (output: string) => Promise<void>) {
  const [bin, binArgs] = scriptCommand('migrate-deploy', args, copy.dir);
  return new Promise<{ code: number; output: string }>((resolve) => {
    const child = spawn(bin, binArgs, {
      cwd: copy.dir,
      env: { ...process.env, DATABASE_URL: url, KIT_QUIET_ENGINE_LINE: '1' },
    });
    let output = '';
    let cued = false;
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (!cued && output.includes(cue)) {
        cued = true;
        void onCue(output);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

// Retries: the holder's transaction is new, so the preflight (transactions over 10 min) waits for nothing.
const RETRY = ['--retries', '2', '--backoff-s', '1', '--old-transaction-s', '600'];
// The preflight: any transaction over 1 s counts, waited for up to 3 s.
const PREFLIGHT = ['--old-transaction-s', '1', '--wait-for-old-transactions-s', '3'];

/** A session that holds `lock` on posts until it is ended. */
async function holdLock(url: string, lock: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query(`LOCK TABLE posts IN ${lock} MODE`);
  return async () => {
    await client.query('COMMIT');
    await client.end();
  };
}

describe('migrate:deploy', () => {
  it('a plain ALTER that meets a long transaction: gives up, waits, and deploys on the retry', async () => {
    const url = await cloneDemoDatabase();
    const name = '29990201000000_posts_note';
    addMigration(name, `SET lock_timeout = '300ms';\nALTER TABLE "posts" ADD COLUMN IF NOT EXISTS "note" TEXT;\n`);
    const release = await holdLock(url, 'ACCESS SHARE');
    try {
      const run = await deployHeldOpen(url, RETRY, 'retrying in', () => release());
      expect(run.code, run.output).toBe(0);
      expect(run.output).toContain('migrate deploy: attempt 1 of 3');
      expect(run.output).toContain(`${name} stopped on a lock timeout and can run again; retrying in 1 s`);
      expect(run.output).toContain(`migrate deploy: attempt 2 of 3\n${name} marked rolled back`);
      expect(run.output).toContain('deployed on attempt 2.');
      expect(await columnExists(url, 'posts', 'note')).toBe(true);
    } finally {
      await release().catch(() => {});
      removeMigration(name);
    }
  });

  it('a CONCURRENTLY unique index whose build timed out: its INVALID index is dropped, then built again, valid', async () => {
    const url = await cloneDemoDatabase();
    const name = '29990201000001_posts_title_key';
    addMigration(
      name,
      `SET lock_timeout = '300ms';\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "posts_title_key" ON "posts" ("title");\n`,
    );
    // A writer's open transaction: the build waits for it once the index exists (INVALID).
    const release = await holdLock(url, 'ROW EXCLUSIVE');
    try {
      const run = await deployHeldOpen(url, RETRY, 'retrying in', () => release());
      expect(run.code, run.output).toBe(0);
      expect(run.output).toContain(
        `attempt 2 of 3\ndropped the INVALID index posts_title_key\n${name} marked rolled back`,
      );
      expect(
        await query(url, `SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('posts_title_key')`),
      ).toEqual([{ indisvalid: true }]);
    } finally {
      await release().catch(() => {});
      removeMigration(name);
    }
  });

  it("a split file that can't run twice is not retried, and says why in one line", async () => {
    const url = await cloneDemoDatabase();
    const name = '29990201000002_audit_and_note';
    addMigration(
      name,
      `SET lock_timeout = '300ms';\nCREATE TABLE "audit_once" (id int);\nALTER TABLE "posts" ADD COLUMN "note" TEXT;\n`,
    );
    const release = await holdLock(url, 'ACCESS SHARE');
    try {
      const run = await deployHeldOpen(url, RETRY, 'retrying in', async () => {});
      expect(run.code).toBe(1);
      expect(run.output).not.toContain('retrying in');
      expect(run.output).toMatch(
        new RegExp(
          `error: ${name} failed: .*lock timeout.*\\. Not retried: it ran statement by statement, and line 2 can't run twice .*npm run migrate:recover says what to do\\.`,
        ),
      );
    } finally {
      await release();
      removeMigration(name);
    }
  });

  it('preflight: a session idle in a transaction on the table stops the deploy before anything runs, named', async () => {
    const url = await cloneDemoDatabase();
    const name = '29990201000003_posts_note_after_idle';
    addMigration(name, `SET lock_timeout = '300ms';\nALTER TABLE "posts" ADD COLUMN IF NOT EXISTS "note" TEXT;\n`);
    const release = await holdLock(url, 'ACCESS SHARE');
    try {
      await new Promise((done) => setTimeout(done, 1_500)); // older than the preflight's 1 s
      const run = await deployHeldOpen(url, PREFLIGHT, 'never', async () => {});
      expect(run.code).toBe(1);
      expect(run.output).toMatch(
        /preflight: 1 session\(s\) in a transaction older than 1 s would hold up the pending migrations .*; waiting up to 3 s:\n {2}pid \d+ \(.*\): idle in transaction for \d+ s, holding posts: LOCK TABLE posts IN ACCESS SHARE MODE/,
      );
      expect(run.output).toMatch(
        /error: 1 long transaction\(s\) still hold what the pending migrations lock \(pid \d+\); nothing was applied\. .*pg_terminate_backend/,
      );
      expect(run.output).not.toContain('migrate deploy: attempt');
      expect(await columnExists(url, 'posts', 'note')).toBe(false);
    } finally {
      await release().catch(() => {});
      removeMigration(name);
    }
  });

  it('preflight: a session that ends while it waits lets the deploy go on', async () => {
    const url = await cloneDemoDatabase();
    const name = '29990201000004_posts_note_after_wait';
    addMigration(name, `SET lock_timeout = '300ms';\nALTER TABLE "posts" ADD COLUMN IF NOT EXISTS "note" TEXT;\n`);
    const release = await holdLock(url, 'ACCESS SHARE');
    try {
      await new Promise((done) => setTimeout(done, 1_500));
      const run = await deployHeldOpen(url, PREFLIGHT, 'waiting up to', () => release());
      expect(run.code, run.output).toBe(0);
      expect(run.output).toContain('preflight: they ended; deploying.');
      expect(await columnExists(url, 'posts', 'note')).toBe(true);
    } finally {
      await release().catch(() => {});
      removeMigration(name);
    }
  });
});
