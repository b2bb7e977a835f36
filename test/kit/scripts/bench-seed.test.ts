/**
 * A walk: `npm run kit -- bench seed` as a user runs it, in the checkout (it times the team's own dev
 * seed and factories). It deploys a template with the real CLI, clones it, seeds two databases
 * and compares; a goal it misses is marked and makes it exit non-zero.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';
import { withDatabase } from '#kit/db/connection-url.ts';
import { projectRoot } from '#kit-test/support/checkout.ts';
import { scriptCommand } from '#kit/script-command.ts';

describe('npm run kit -- bench seed', () => {
  it('marks a missed goal and exits non-zero', () => {
    // 50 users: fixed costs dominate, so batching can't be 10× faster; the bench must say so.
    const run = spawnSync(...scriptCommand('bench-seed', ['--users', '50'], projectRoot), {
      cwd: projectRoot,
      encoding: 'utf8',
      env: {
        ...process.env,
        KIT_QUIET_ENGINE_LINE: '1',
        DATABASE_URL: withDatabase(inject('testServerUrl'), 'postgres'),
      },
    });
    const out = run.stdout + run.stderr;
    expect(run.status, out).toBe(1);
    expect(out).toMatch(/✗ [\d.]+× faster \(goal ≥ 10×\)/);
    expect(out).toMatch(/error: 1 goal\(s\) missed: /);
  });
});
