/**
 * Runs a command-line entry point: loads `.env`, and turns an expected failure (CliError) into one
 * line on stderr and a non-zero exit, with any password in it scrubbed. Anything else is a bug
 * and is printed with its stack.
 */
import { CliError } from './cli-error.ts';
import { scrubSecret } from './db/connection-url.ts';
import { loadEnv } from './env.ts';

export function runCli(main: (args: string[]) => Promise<void>): void {
  loadEnv();
  main(process.argv.slice(2)).catch((error: unknown) => {
    if (error instanceof CliError) {
      console.error(`error: ${scrubSecret(error.message, process.env.DATABASE_URL)}`);
      process.exit(error.exitCode);
    }
    console.error(error);
    process.exit(1);
  });
}
