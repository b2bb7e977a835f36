/**
 * The runtime matrix: which Node line runs the suite against which PostgreSQL major. One
 * definition for `npm run kit -- test-matrix` (here) and ci.yml's `matrix` job (checked by
 * `npm run kit -- ci-local --check`), so the two can't drift apart.
 *
 * Not the full product (3 Node lines × 5 majors): Node and PostgreSQL don't interact, so each
 * major runs on the pinned Node and each other Node line on the newest major. The load proofs
 * run on the oldest and the newest major only: lock behaviour changed between them, and timing
 * proofs on more cells would mostly measure a shared runner's noise.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUPPORTED_MAJORS } from '../embedded-db/postgres-major.ts';

export interface MatrixCell {
  node: number;
  postgres: number;
  /** Also runs `npm run test:load`. */
  load: boolean;
}

/** The Node lines package.json's `engines` allows: `^22.18.0 || ^24.11.0 || ^26.0.0` → 22, 24, 26. */
export function supportedNodeLines(root: string): number[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    engines: { node: string };
  };
  return [...manifest.engines.node.matchAll(/\^(\d+)\./g)].map((match) => Number(match[1]));
}

/** The line of `.node-version`, the Node that CI and `.ci/run` pin. */
export function pinnedNodeLine(root: string): number {
  return Number.parseInt(readFileSync(join(root, '.node-version'), 'utf8').trim(), 10);
}

export function matrixCells(root: string): MatrixCell[] {
  const pinned = pinnedNodeLine(root);
  const oldest = Math.min(...SUPPORTED_MAJORS);
  const newest = Math.max(...SUPPORTED_MAJORS);
  return [
    ...SUPPORTED_MAJORS.map((postgres) => ({
      node: pinned,
      postgres,
      load: postgres === oldest || postgres === newest,
    })),
    ...supportedNodeLines(root)
      .filter((line) => line !== pinned)
      .map((node) => ({ node, postgres: newest, load: false })),
  ];
}

export const cellName = (cell: MatrixCell) => `node ${cell.node} · PostgreSQL ${cell.postgres}`;
