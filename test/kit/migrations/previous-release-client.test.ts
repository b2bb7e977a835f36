/**
 * A walk: `npm run migrate:check-previous-client` on a git branch, as CI runs it on a pull
 * request. The previous release's client (main's schema.prisma) reads every model from a database
 * the branch changed: a dropped column fails its model; a new enum value fails the model whose row
 * has it; a new nullable column fails nothing.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPgClient } from '#kit/db/pg-client.ts';
import { scriptCommand } from '#kit/script-command.ts';
import { cloneDemoDatabase } from '../setup/test-database.ts';
import { copyProject } from '../support/project-copy.ts';
import { startBranchFromMain } from '../support/git-in.ts';

const copy = copyProject('previous-client', { demo: true });
afterAll(() => copy.remove());

const check = (url: string) =>
  spawnSync(...scriptCommand('migrate-check-previous-client', [], copy.dir), {
    cwd: copy.dir,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: url, KIT_QUIET_ENGINE_LINE: '1' },
  });

beforeAll(() => {
  startBranchFromMain(copy.dir);
  // The branch's schema: Post loses `body`, gains `summary`; its migrations are applied below.
  const schema = join(copy.dir, 'prisma', 'schema.prisma');
  writeFileSync(
    schema,
    readFileSync(schema, 'utf8').replace(/^\s*body\s+String\s+@default\(""\)\s*$/m, '  summary   String?'),
  );
});

describe('npm run migrate:check-previous-client', () => {
  it('passes when the branch only adds a nullable column', async () => {
    const url = await cloneDemoDatabase();
    await withPgClient(url, (client) => client.query('ALTER TABLE posts ADD COLUMN summary text'));
    const run = check(url);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^previous release's client \(schema\.prisma at [0-9a-f]{12}\), every model read/);
    expect(run.stdout).toContain('✓ Post: 0 row(s)');
  });

  it('fails the model whose column the branch dropped, and the one whose row has an enum value it does not know', async () => {
    const url = await cloneDemoDatabase();
    await withPgClient(url, async (client) => {
      await client.query('ALTER TABLE posts DROP COLUMN body');
      await client.query(`ALTER TYPE post_status ADD VALUE 'HIDDEN'`);
      await client.query(`INSERT INTO users (email, display_name) VALUES ('a@example.test', 'A')`);
    });
    const dropped = check(url);
    expect(dropped.status).toBe(1);
    expect(dropped.stdout).toMatch(/✗ Post: .*body/);
    expect(dropped.stdout).toContain('✓ User: 1 row(s)');
    expect(dropped.stdout).toContain('1 model(s) fail for the release still running during the rollout');

    await withPgClient(url, async (client) => {
      await client.query("ALTER TABLE posts ADD COLUMN body text NOT NULL DEFAULT ''");
      await client.query(`INSERT INTO posts (author_id, title, status) SELECT id, 'new release', 'HIDDEN' FROM users`);
    });
    const enumValue = check(url);
    expect(enumValue.status).toBe(1);
    expect(enumValue.stdout).toContain("✗ Post: Value 'HIDDEN' not found in enum 'PostStatus'");
  });
});
