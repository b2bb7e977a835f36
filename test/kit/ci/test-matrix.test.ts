/**
 * The runtime matrix is one definition (src/kit/test-matrix/cells.ts) that `npm run kit -- test-matrix`
 * runs and ci.yml's matrix job must repeat: every supported major and Node line appears, and
 * `npm run kit -- ci-local --check` fails in one line per difference when ci.yml drifts from it.
 * (The matrix itself is run by hand and recorded in docs/benchmarks/test-matrix.md.)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { SUPPORTED_MAJORS } from '#kit/embedded-db/postgres-major.ts';
import { scriptCommand } from '#kit/script-command.ts';
import { matrixCells, pinnedNodeLine, supportedNodeLines } from '#kit/test-matrix/cells.ts';
import { copyProject } from '../support/project-copy.ts';
import { projectRoot } from '#kit-test/support/checkout.ts';

it('covers every supported PostgreSQL major and Node line, with the load proofs on the oldest and newest major', () => {
  const cells = matrixCells(projectRoot);
  expect(SUPPORTED_MAJORS).toEqual([14, 15, 16, 17, 18]);
  expect(supportedNodeLines(projectRoot)).toEqual([22, 24, 26]);
  for (const major of SUPPORTED_MAJORS)
    expect(cells.filter((cell) => cell.postgres === major && cell.node === pinnedNodeLine(projectRoot))).toHaveLength(
      1,
    );
  for (const line of supportedNodeLines(projectRoot)) expect(cells.some((cell) => cell.node === line)).toBe(true);
  expect(cells.filter((cell) => cell.load).map((cell) => cell.postgres)).toEqual([14, 18]);
});

const copy = copyProject('matrix-drift');
afterAll(() => copy.remove());

it('ci:local --check names each cell ci.yml lacks or adds, in one line each', () => {
  const ciYml = join(copy.dir, '.github', 'workflows', 'ci.yml');
  writeFileSync(
    ciYml,
    readFileSync(ciYml, 'utf8')
      .replace(/^ {10}- \{ node: 24, postgres: 15, load: false \}\n/m, '')
      .replace('{ node: 22, postgres: 18, load: false }', '{ node: 20, postgres: 18, load: false }'),
  );
  const run = spawnSync(...scriptCommand('ci-local', ['--check'], copy.dir), { cwd: copy.dir, encoding: 'utf8' });
  expect(run.status).toBe(1);
  expect(run.stdout).toContain('ci.yml matrix lacks: node 24 · PostgreSQL 15\n');
  expect(run.stdout).toContain('ci.yml matrix lacks: node 22 · PostgreSQL 18\n');
  expect(run.stdout).toContain("ci.yml matrix has, and kit test-matrix doesn't: node 20 · PostgreSQL 18\n");
  expect(run.stderr.trim().split('\n')).toEqual([
    expect.stringMatching(/^error: ci\.yml's matrix job differs from npm run kit -- test-matrix/),
  ]);
});
