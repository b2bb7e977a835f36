/**
 * The project type-checks against the generated client. This is what turns a schema change that
 * breaks a factory (test/factories/*.ts map every model field) into a failing `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot } from '#kit-test/support/checkout.ts';

it('tsc finds no type errors', () => {
  const tsc = spawnSync(
    process.execPath,
    [join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', projectRoot],
    {
      encoding: 'utf8',
    },
  );
  expect(tsc.stdout + tsc.stderr).toBe('');
  expect(tsc.status).toBe(0);
});
