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
