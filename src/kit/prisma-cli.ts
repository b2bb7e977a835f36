/**
 * Runs the real Prisma CLI (node_modules/prisma) as a child process. Scripts and tests use this
 * instead of imitating a command; prisma.config.ts in the child picks the engine and, from
 * DATABASE_URL set here, the database.
 */
import { spawn } from 'node:child_process';
import { prismaCliPath } from './prisma-package.ts';
import { childEnvironment, environment } from './environment.ts';

export interface PrismaRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface PrismaRunOptions {
  /** The database the command works on; defaults to what prisma.config.ts resolves. */
  url?: string;
  /** The project's root: Prisma loads its prisma.config.ts from here. */
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Pass output through to this process's terminal as well as capturing it. */
  echo?: boolean;
  timeoutMs?: number;
}

/** The line of a failed run worth showing a person: the first that mentions an error, else the first. */
export function prismaFailureLine(run: PrismaRun): string {
  const lines = `${run.stderr}\n${run.stdout}`
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  // Migrate needs a shadow database for every diff of the history; a role without CREATEDB (most
  // managed hosts' owner roles) can't create one, and Prisma's own lines don't name the fix.
  if (lines.some((line) => line.includes('P3014'))) {
    const reason = lines.find((line) => /^ERROR: /.test(line)) ?? 'it may not create databases';
    return `P3014: Migrate could not create its shadow database (${reason}). Set SHADOW_DATABASE_URL to an empty database this role owns (.env.example says how)`;
  }
  return lines.find((line) => /error/i.test(line)) ?? lines[0] ?? `exit ${run.code}`;
}

export function runPrisma(args: string[], options: PrismaRunOptions): Promise<PrismaRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [prismaCliPath(), ...args], {
      cwd: options.cwd,
      env: childEnvironment({
        ...(options.url ? { DATABASE_URL: options.url } : {}),
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
        // The update check runs in a child process of its own (0.3 s of CPU per command); its
        // message is hidden above, so the kit's own calls skip it.
        CHECKPOINT_DISABLE: '1',
        // No terminal here (stdin is closed): with CI set, a command that would prompt (migrate dev
        // asking for a name) fails with Prisma's message instead of waiting for an answer.
        CI: environment().CI ?? 'true',
        ...options.env,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 120_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (options.echo) process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (options.echo) process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
