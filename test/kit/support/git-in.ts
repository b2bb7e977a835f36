/**
 * git in a project copy, as the tests that play a branch (lint, the previous-release check) run
 * it: a fixed author, so commits work on a machine with no git identity.
 */
import { spawnSync } from 'node:child_process';

export function gitIn(dir: string) {
  return (...args: string[]) =>
    spawnSync('git', ['-c', 'user.name=kit', '-c', 'user.email=kit@example.test', ...args], {
      cwd: dir,
      encoding: 'utf8',
    });
}

/** A repository whose main branch holds the copy as it is, and a `feature` branch checked out on it. */
export function startBranchFromMain(dir: string): void {
  const git = gitIn(dir);
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['add', '-A'],
    ['commit', '-q', '-m', 'main'],
    ['checkout', '-q', '-b', 'feature'],
  ]) {
    const run = git(...args);
    if (run.status !== 0) throw new Error(`git ${args.join(' ')}: ${run.stderr}`);
  }
}
