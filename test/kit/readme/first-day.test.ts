/**
 * A newcomer's first day, the README's first two code blocks run in order, line by line as
 * written, on a fresh clone (a copy of the checkout on the demo project, under the kit's package
 * name, with the kit as `origin`): setup, then init, commit, reset and setup again. Each line
 * must pass; the one that once failed here is the second setup (P3018: the database still held
 * the demo history that init had squashed).
 *
 * Two lines are stood in for: `npm install` (node_modules is linked from this checkout) and
 * `npm test`, by the team's own tests (test/factories): the kit's suite inside the suite would
 * double `npm test`, and it runs on its own fixtures whatever init did (decision 13).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { withDatabase } from '#kit/db/connection-url.ts';
import { dropDatabase } from '#kit/db/scratch-databases.ts';
import { projectRoot } from '#kit-test/support/checkout.ts';
import { KIT_PACKAGE_NAME } from '#kit/project-init/init-project.ts';
import { TEST_DATABASE_PREFIX } from '../setup/test-server.ts';
import { copyProject } from '../support/project-copy.ts';

const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
/** The commands of the first ```sh block after `heading` (or of the file's first one). */
function block(heading?: string): string[] {
  const from = heading ? readme.indexOf(heading) : 0;
  expect(from, heading).toBeGreaterThanOrEqual(0);
  const body = /```sh\n([\s\S]*?)```/.exec(readme.slice(from))?.[1] ?? '';
  return body
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
}

const clone = copyProject('first-day', { demo: true });
const url = withDatabase(inject('testServerUrl'), `${TEST_DATABASE_PREFIX}first_day_${process.pid}`);
const env = {
  ...process.env,
  DATABASE_URL: url,
  KIT_QUIET_ENGINE_LINE: '1',
  GIT_AUTHOR_NAME: 'newcomer',
  GIT_AUTHOR_EMAIL: 'newcomer@example.test',
  GIT_COMMITTER_NAME: 'newcomer',
  GIT_COMMITTER_EMAIL: 'newcomer@example.test',
  // `migrate reset` asks for a person's consent when it thinks an agent types: this database
  // was created by this test for it.
  PRISMA_USER_CONSENT_FOR_DANGEROUS_AI_ACTION: 'a scratch database created by this test',
  // The team's tests (standing in for `npm test`) on the run's server, in databases of their own.
  TEST_DATABASE_URL: inject('testServerUrl'),
  KIT_TEST_DATABASE_PREFIX: `${TEST_DATABASE_PREFIX}first_day_${process.pid}_`,
};
const sh = (command: string) => {
  const run = spawnSync('bash', ['-c', command], { cwd: clone.dir, encoding: 'utf8', env, timeout: 170_000 });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
};

/** The line as run: `npm install` and `npm test` stood in for (see the top). */
const asRun = (line: string) =>
  line.replace(/^npm install && /, '').replace(/(^|&& )npm test$/, '$1npx vitest run --project kit test/factories');

beforeAll(() => {
  const packagePath = join(clone.dir, 'package.json');
  writeFileSync(
    packagePath,
    `${JSON.stringify({ ...JSON.parse(readFileSync(packagePath, 'utf8')), name: KIT_PACKAGE_NAME }, null, 2)}\n`,
  );
  // A clone: a git repository whose origin is the kit.
  for (const command of [
    'git init -q -b main',
    'git add -A',
    'git commit -qm kit',
    `git remote add origin ${projectRoot}`,
  ])
    expect(sh(command).code).toBe(0);
});
afterAll(async () => {
  clone.remove();
  await dropDatabase(url);
});

it("runs the README's first two blocks in order, as written: setup, then init, commit, reset and setup again", () => {
  const lines = [...block(), ...block('## Starting your service from it')];
  expect(lines).toContain('npx prisma migrate reset --force');
  for (const line of lines) {
    const run = sh(asRun(line));
    expect(run.code, `${line}\n${run.out}`).toBe(0);
    if (line.endsWith('npm test')) expect(stripVTControlCharacters(run.out)).toMatch(/Test Files {2}1 passed \(1\)/);
  }
  expect(JSON.parse(readFileSync(join(clone.dir, 'package.json'), 'utf8')).name).toBe('billing-service');
}, 600_000);
