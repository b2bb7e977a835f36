/**
 * The test run's preflight: a TEST_DATABASE_URL the tests can't use fails the whole run in one
 * line naming the fix (the server is down; its role can't create databases and roles), before any
 * file runs, and not inside vitest's stack block.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, expect, inject, it } from 'vitest';
import { withPgClient } from '#kit/db/pg-client.ts';
import { projectRoot } from '#kit-test/support/checkout.ts';

const role = `kit_test_plain_${process.pid}`;
const server = () => inject('testServerUrl');
afterAll(() => withPgClient(server(), (client) => client.query(`DROP ROLE IF EXISTS ${role}`)));

/** A nested `vitest run` of one small file, with the given TEST_DATABASE_URL. */
function testRun(testDatabaseUrl: string) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')));
  const run = spawnSync(
    process.execPath,
    [
      join(projectRoot, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      '--project',
      'kit',
      'test/kit/docs-index.test.ts',
    ],
    { cwd: projectRoot, encoding: 'utf8', env: { ...env, TEST_DATABASE_URL: testDatabaseUrl }, timeout: 120_000 },
  );
  const out = run.stdout + run.stderr;
  return { code: run.status, out, errors: out.split('\n').filter((line) => line.startsWith('error:')) };
}

it('a server that is down: one line, the way out, no stack', () => {
  const run = testRun('postgresql://kit:secret@127.0.0.1:1/postgres');
  expect(run.code).toBe(1);
  expect(run.errors).toEqual([
    "error: TEST_DATABASE_URL: P1001: Can't reach database server at `127.0.0.1:1`. Start that server, or unset TEST_DATABASE_URL to use the embedded one.",
  ]);
  expect(run.out).not.toMatch(/\n\s+at /);
});

it('a role that may not create databases and roles: one line naming what it lacks', async () => {
  await withPgClient(server(), (client) => client.query(`CREATE ROLE ${role} LOGIN PASSWORD 'plain-secret-1'`));
  const url = new URL(server());
  url.username = role;
  url.password = 'plain-secret-1';
  const run = testRun(url.toString());
  expect(run.code).toBe(1);
  expect(run.errors).toEqual([
    expect.stringMatching(new RegExp(`^error: TEST_DATABASE_URL's role ${role} lacks CREATEDB and CREATEROLE`)),
  ]);
  expect(run.out).not.toMatch(/\n\s+at /);
});
