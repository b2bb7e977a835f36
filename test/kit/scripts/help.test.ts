/**
 * Every kit command answers `--help` (`npm run <command> -- --help`): its usage and what it does,
 * from the script's own docblock, exit 0, with nothing built, run or connected to. The commands
 * are read from package.json, so a new one is covered the day it is added.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '#kit/project-paths.ts';

const scripts = (
  JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;
const commands = Object.entries(scripts).flatMap(([name, line]) => {
  const match = /node --liftoff-only scripts\/run\.mjs (.+)$/.exec(line);
  return match ? [[name, match[1]!.split(' ')] as const] : [];
});

describe('--help', () => {
  it('covers the kit commands package.json names', () => {
    expect(commands.length).toBeGreaterThan(25);
  });

  it.each(commands)('npm run %s -- --help', (name, args) => {
    const run = spawnSync(process.execPath, ['--liftoff-only', 'scripts/run.mjs', ...args, '--help'], {
      cwd: projectRoot,
      encoding: 'utf8',
      // No database anywhere: a command that tried to connect would fail.
      env: { ...process.env, DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^(`npm run |Usage: npm run )/);
    expect(run.stdout).toContain(name);
    expect(run.stdout.split('\n').length).toBeGreaterThan(1); // the usage and what it does
  });
});
