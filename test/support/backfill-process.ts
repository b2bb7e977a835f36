/** `npm run backfill` as a child process whose output and exit a test can await. */
import { spawn, type ChildProcess } from 'node:child_process';
import { projectRoot } from '../../src/project-paths.ts';
import { scriptCommand } from '../../src/script-command.ts';

export interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>;
}

export function backfill(url: string, ...args: string[]): Run {
  // One process, no npm or shell wrapper, so SIGKILL hits the runner itself.
  const child = spawn(...scriptCommand('backfill', args), {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: url },
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, out })),
  );
  return { child, done };
}
