/**
 * Every kit command answers `--help` (`npm run <command> -- --help`, `npm run kit -- <tool>
 * --help`): its usage and what it does, from the script's own docblock, exit 0, with nothing
 * built, run or connected to. An old name answers too, after one line naming the new one. The
 * commands are read from src/kit/command-list.mjs, so a new one is covered the day it is added.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { COMMANDS, typed } from '#kit/command-list.mjs';
import { projectRoot } from '#kit-test/support/checkout.ts';

const withScript = COMMANDS.filter((command) => command.script);
const aliases = COMMANDS.flatMap((command) => (command.formerly ?? []).map((old) => [old, command] as const));

const help = (args: string[]) =>
  spawnSync(process.execPath, ['--liftoff-only', 'scripts/run.mjs', ...args, '--help'], {
    cwd: projectRoot,
    encoding: 'utf8',
    // No database anywhere: a command that tried to connect would fail.
    env: { ...process.env, DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' },
  });

describe('--help', () => {
  it('covers the kit commands', () => {
    expect(withScript.length).toBeGreaterThan(25);
  });

  it.each(withScript.map((command) => [typed(command), command] as const))('%s -- --help', (_typed, command) => {
    // A kit tool as `npm run kit -- bench locks` passes it; a team command as package.json does.
    const args = command.name.includes(' ') ? command.name.split(' ') : [command.script ?? '', ...(command.args ?? [])];
    const run = help(args);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^(`npm run |Usage: npm run )/);
    expect(run.stdout).toContain(command.name.split(' ').at(-1));
    expect(run.stdout.split('\n').length).toBeGreaterThan(1); // the usage and what it does
  });

  it('npm run kit lists the tools', () => {
    const run = help(['kit']);
    expect(run.status).toBe(0);
    for (const command of COMMANDS.filter((candidate) => candidate.name.startsWith('kit ')))
      expect(run.stdout).toContain(typed(command));
  });

  // The mechanism is one (scripts/run.mjs, from the same list): one old name of each kind shows it.
  const representatives = ['lint:migrations', 'bench:locks', 'migrate:down'];
  it.each(aliases.filter(([old]) => representatives.includes(old)))(
    'the old name %s says the new one, then answers',
    (old, command) => {
      const run = help(['--formerly', old]);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr.trim()).toBe(
        `warning: npm run ${old} is now ${typed(command)}; the old name goes in the next kit version (CHANGELOG.md).`,
      );
      expect(run.stdout).toMatch(/^(`npm run |Usage: npm run )/);
    },
  );
});
