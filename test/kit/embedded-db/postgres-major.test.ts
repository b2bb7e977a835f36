/**
 * EMBEDDED_POSTGRES_MAJOR picks the embedded server's major; a value outside the supported ones
 * is refused in one line before anything is installed or started. (Each major really running is
 * what `npm run kit -- test-matrix` shows, cell by cell.)
 */
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { clusterName, installedMajor, POSTGRES_BUILDS } from '#kit/embedded-db/postgres-major.ts';
import { projectRoot } from '#kit-test/support/checkout.ts';
import { scriptCommand } from '#kit/script-command.ts';

it('refuses a major the kit does not support, in one line naming the supported ones', () => {
  const env: NodeJS.ProcessEnv = { ...process.env, EMBEDDED_POSTGRES_MAJOR: '13' };
  delete env.DATABASE_URL;
  const run = spawnSync(...scriptCommand('db', ['start'], projectRoot), { cwd: projectRoot, encoding: 'utf8', env });
  expect(run.status).toBe(1);
  expect(run.stderr.trim().split('\n')).toEqual([
    'error: EMBEDDED_POSTGRES_MAJOR must be one of 14, 15, 16, 17, 18 (got "13"). Fix it in .env or unset it for PostgreSQL 18.',
  ]);
});

it("the installed major is package.json's embedded-postgres, pinned like the others; each major has its own cluster", () => {
  expect(POSTGRES_BUILDS[installedMajor()]).toBe(
    JSON.parse(
      spawnSync('npm', ['pkg', 'get', 'devDependencies.embedded-postgres'], { cwd: projectRoot, encoding: 'utf8' })
        .stdout,
    ),
  );
  expect(clusterName(installedMajor())).toBe('embedded-postgres');
  expect(clusterName(14)).toBe('embedded-postgres-14');
});
