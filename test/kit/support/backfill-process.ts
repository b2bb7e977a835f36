/**
 * `npm run backfill` as a child process whose output and exit a test can await. It runs in a copy
 * of the checkout on the demo project, so the jobs it knows are the demo's (user-timezone,
 * user-display-name, post-slug), whatever the team's src/backfills holds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll } from 'vitest';
import { scriptCommand } from '#kit/script-command.ts';
import { copyProject } from './project-copy.ts';

export interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>;
}

export interface DemoBackfill {
  /** The demo project copy's folder: where `npm run backfill` finds the demo's jobs. */
  dir: string;
  run(url: string, ...args: string[]): Run;
}

/** Call at the top of a test file: the copy is made once and removed when the file ends. */
export function useDemoBackfill(): DemoBackfill {
  const copy = copyProject('demo-backfill', { demo: true });
  afterAll(() => copy.remove());
  return {
    dir: copy.dir,
    run(url, ...args) {
      // One process, no npm or shell wrapper, so SIGKILL hits the runner itself.
      const child = spawn(...scriptCommand('backfill', args, copy.dir), {
        cwd: copy.dir,
        env: { ...process.env, DATABASE_URL: url },
      });
      let out = '';
      child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
      const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) =>
        child.on('close', (code, signal) => resolve({ code, signal, out })),
      );
      return { child, done };
    },
  };
}
