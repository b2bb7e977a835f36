/**
 * The kit's one way to ask git something: the linter (what this branch adds), kit update (the
 * kit's newer files), ci:local (the commit it stands for) and the previous-release check (the
 * schema main has) all read the repository the same way, in the folder they are given: the
 * project root of their settings.
 */
import { spawnSync } from 'node:child_process';

export interface GitRun {
  ok: boolean;
  /** stdout, untrimmed. */
  out: string;
  /** The first line of stderr, for a message. */
  error: string;
}

export function git(args: string[], cwd: string): GitRun {
  const run = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return { ok: run.status === 0, out: run.stdout ?? '', error: (run.stderr ?? '').trim().split('\n')[0] ?? '' };
}

export const insideGitCheckout = (cwd: string) => git(['rev-parse', '--is-inside-work-tree'], cwd).ok;

export const isCommit = (ref: string, cwd: string) =>
  git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd).ok;

/** Where a branch compares itself with by default: the main branch, remote first. */
export const DEFAULT_BASES = ['origin/main', 'main'];

/** The first of `candidates` that names a commit here. */
export const firstCommit = (candidates: string[], cwd: string) => candidates.find((ref) => isCommit(ref, cwd));

/** Where this branch left `base`: what counts as "already on main" for it. */
export const forkPoint = (base: string, cwd: string) => git(['merge-base', base, 'HEAD'], cwd).out.trim() || base;
