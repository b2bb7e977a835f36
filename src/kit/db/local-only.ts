/**
 * The guard for commands that only make sense on a developer's own database (dev seed,
 * snapshots): never in production, never against a remote server unless the caller says so.
 */
import { CliError } from '../cli-error.ts';
import { isProduction } from '../env.ts';
import { isLocalUrl } from './connection-url.ts';

export interface LocalOnlyOptions {
  /** Allow a non-local server (never production). */
  forceNonLocal?: boolean;
  /** The fix to suggest, appended to each refusal. */
  productionHint?: string;
  nonLocalHint?: string;
}

export function assertLocalOnly(url: string, command: string, options: LocalOnlyOptions = {}): void {
  if (isProduction()) {
    throw new CliError(
      `Refusing to run ${command} in production (NODE_ENV or APP_ENV is "production").${options.productionHint ? ` ${options.productionHint}` : ''}`,
    );
  }
  if (!isLocalUrl(url) && !options.forceNonLocal) {
    throw new CliError(
      `Refusing to run ${command} against a non-local database (${new URL(url).host}).${options.nonLocalHint ? ` ${options.nonLocalHint}` : ''}`,
    );
  }
}
