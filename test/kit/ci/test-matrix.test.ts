/**
 * The runtime matrix is one definition (src/kit/test-matrix/cells.ts) that `npm run kit -- test-matrix`
 * runs and ci.yml's matrix job must repeat: every supported major and Node line appears, and a
 * ci.yml that drifts from it gets one line per difference (what `npm run kit -- ci-local --check`
 * prints before it fails; test/kit/ci/workflows.test.ts walks that command).
 * (The matrix itself is run by hand and recorded in docs/benchmarks/test-matrix.md.)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { SUPPORTED_MAJORS } from '#kit/embedded-db/postgres-major.ts';
import { matrixCells, pinnedNodeLine, supportedNodeLines } from '#kit/test-matrix/cells.ts';
import { ciMatrixDrift } from '#kit/test-matrix/ci-matrix.ts';
import { dataDir, projectRoot, workflowsDir } from '#kit-test/support/checkout.ts';

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

const workflows = mkdtempSync(join(dataDir, 'tmp', 'matrix-drift-'));
afterAll(() => rmSync(workflows, { recursive: true, force: true }));

it("names each cell ci.yml's matrix lacks or adds, one line each (ci-local --check prints them and fails)", () => {
  writeFileSync(
    join(workflows, 'ci.yml'),
    readFileSync(join(workflowsDir, 'ci.yml'), 'utf8')
      .replace(/^ {10}- \{ node: 24, postgres: 15, load: false \}\n/m, '')
      .replace('{ node: 22, postgres: 18, load: false }', '{ node: 20, postgres: 18, load: false }'),
  );
  expect(ciMatrixDrift({ root: projectRoot, workflows })).toEqual([
    'ci.yml matrix lacks: node 24 · PostgreSQL 15',
    'ci.yml matrix lacks: node 22 · PostgreSQL 18',
    "ci.yml matrix has, and kit test-matrix doesn't: node 20 · PostgreSQL 18",
  ]);
  expect(ciMatrixDrift({ root: projectRoot, workflows: workflowsDir })).toEqual([]);
});
