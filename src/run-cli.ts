/**
 * Runs a command-line entry point: loads `.env`, and turns an expected failure (CliError) into one
 * line on stderr and a non-zero exit, with any password in it scrubbed. Anything else is a bug
 * and is printed with its stack.
 */
import { CliError } from './cli-error.ts';
import { connectionFailure } from './db/connection-errors.ts';
import { scrubSecret } from './db/connection-url.ts';
import { currentDatabaseUrl } from './db/database-url.ts';
import { loadEnv } from './env.ts';

/** A connection failure (server down, wrong password, missing database) is an expected error. */
function asConnectionError(error: unknown): CliError | undefined {
  let url: string | undefined;
  try {
    url = currentDatabaseUrl();
  } catch {
    return undefined;
  }
  if (!url || typeof (error as { code?: unknown })?.code !== 'string') return undefined;
  const failure = connectionFailure(error, url);
  if (!failure.errorCode) return undefined;
  const [summary, fix] = failure.message.split('\n\n');
  return new CliError(`${failure.errorCode}: ${summary}${fix ? ` ${fix}` : ''}`);
}

export function runCli(main: (args: string[]) => Promise<void>): void {
  loadEnv();
  main(process.argv.slice(2)).catch((caught: unknown) => {
    const error = asConnectionError(caught) ?? caught;
    if (error instanceof CliError) {
      console.error(`error: ${scrubSecret(error.message, process.env.DATABASE_URL)}`);
      process.exit(error.exitCode);
    }
    console.error(error);
    process.exit(1);
  });
}
