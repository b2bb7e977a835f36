/**
 * Runs a command-line entry point: loads `.env`, resolves the project's settings once and hands
 * them to the command (src/kit/settings.ts), and turns an expected failure (a KitError, a
 * connection failure, a permission PostgreSQL denied) into one line on stderr and a
 * non-zero exit, with any password in it scrubbed. Anything else is a bug and is printed with its
 * stack.
 */
import { relative } from 'node:path';
import { BundleError } from './build/bundle-if-stale.mjs';
import { DatabaseError } from './db/database-error.ts';
import { describeConnectionFailure } from './db/connection-errors.ts';
import { permissionError } from './db/permission-errors.ts';
import { scrubSecret } from './db/connection-url.ts';
import { currentDatabaseUrl } from './db/database-url.ts';
import { loadEnv } from './env.ts';
import { KitError } from './kit-error.ts';
import { checkoutSettings, type KitSettings } from './settings.ts';

const START_HINT = 'Is the server running? For the embedded one: npm run db:start (npm run db:status says which).';

/**
 * A connection failure (server down, wrong password, missing database) is an expected error,
 * whether node-postgres reports it (ECONNREFUSED, 28P01, …) or Prisma Client does (P1000–P1003).
 */
function asConnectionError(error: unknown): DatabaseError | undefined {
  const url = databaseUrlIfAny();
  const code =
    (error as { code?: unknown; errorCode?: unknown })?.code ?? (error as { errorCode?: unknown })?.errorCode;
  if (!url || typeof code !== 'string') return undefined;
  if (/^P100[0-3]$/.test(code)) {
    const message =
      (error as Error).message
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .at(-1) ?? code;
    return new DatabaseError(`${code}: ${message}`, { fix: code === 'P1001' ? START_HINT : undefined });
  }
  const failure = describeConnectionFailure(error, url);
  if (!failure.errorCode) return undefined;
  const { summary } = failure;
  const advice = failure.errorCode === 'P1001' ? START_HINT : failure.advice;
  return new DatabaseError(`${failure.errorCode}: ${summary}`, { fix: advice });
}

function databaseUrlIfAny(): string | undefined {
  try {
    return currentDatabaseUrl();
  } catch {
    return undefined;
  }
}

/** `prisma/reference/roles.jsonl:4: not valid JSON. Each line must be one JSON object.` */
export function formatKitError(error: KitError, root: string): string {
  const file = error.file === undefined ? '' : relative(root, error.file) || error.file;
  const where = file ? `${file}${error.line === undefined ? '' : `:${error.line}`}: ` : '';
  return `${where}${error.message}`;
}

export function runCli(main: (args: string[], settings: KitSettings) => Promise<void>): void {
  loadEnv();
  const settings = checkoutSettings();
  main(process.argv.slice(2), settings).catch((caught: unknown) => {
    const error = asConnectionError(caught) ?? permissionError(caught, databaseUrlIfAny()) ?? caught;
    if (error instanceof KitError) {
      console.error(`error: ${scrubSecret(formatKitError(error, settings.root), databaseUrlIfAny())}`);
      process.exit(error.exitCode);
    }
    if (error instanceof BundleError) {
      console.error(`error: ${scrubSecret(error.message, databaseUrlIfAny())}`);
      process.exit(error.exitCode);
    }
    console.error(error);
    process.exit(1);
  });
}
