/**
 * ci.yml's `matrix` job must run the cells `npm run kit -- test-matrix` runs (cells.ts), no more, no
 * fewer: `npm run kit -- ci-local --check` reports the difference, so a line added to `engines` or
 * a major added to the pinned builds reaches GitHub's runners too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KitSettings } from '../settings.ts';
import { cellName, matrixCells, type MatrixCell } from './cells.ts';

export const CI_MATRIX_JOB = 'matrix';

/** What differs between ci.yml's matrix job and the kit's matrix; empty when they agree. */
export function ciMatrixDrift({ root, workflows }: Pick<KitSettings, 'root' | 'workflows'>): string[] {
  const workflow = parse(readFileSync(join(workflows, 'ci.yml'), 'utf8')) as {
    jobs?: Record<string, { strategy?: { matrix?: { include?: Partial<MatrixCell>[] } } }>;
  };
  const include = workflow.jobs?.[CI_MATRIX_JOB]?.strategy?.matrix?.include;
  if (!include)
    return [`ci.yml has no job "${CI_MATRIX_JOB}" with strategy.matrix.include (see npm run kit -- test-matrix).`];
  const key = (cell: Partial<MatrixCell>) => `${cellName(cell as MatrixCell)}${cell.load ? ' + load proofs' : ''}`;
  const expected = matrixCells(root).map(key);
  const actual = include.map(key);
  return [
    ...expected.filter((cell) => !actual.includes(cell)).map((cell) => `ci.yml matrix lacks: ${cell}`),
    ...actual
      .filter((cell) => !expected.includes(cell))
      .map((cell) => `ci.yml matrix has, and kit test-matrix doesn't: ${cell}`),
  ];
}
