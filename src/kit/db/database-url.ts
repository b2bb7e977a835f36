/**
 * The one place every script, prisma.config.ts and the app get the database URL from:
 * `DATABASE_URL` (environment or `.env`) when set, otherwise the embedded server's recorded URL.
 */
import { DatabaseError } from './database-error.ts';
import { embeddedUrl, readEmbeddedState, startEmbeddedPostgres } from '../embedded-db/server.ts';
import { InvalidDatabaseUrlError, parseDatabaseUrl } from './connection-url.ts';
import { withPgClient } from './pg-client.ts';
import { environment } from '../environment.ts';

/** `DATABASE_URL` when set (validated), else undefined. */
export function configuredDatabaseUrl(): string | undefined {
  const url = environment().DATABASE_URL;
  if (!url) return undefined;
  try {
    parseDatabaseUrl(url);
  } catch (error) {
    if (error instanceof InvalidDatabaseUrlError) throw new DatabaseError(error.message);
    throw error;
  }
  return url;
}

/** The URL to use without starting anything; undefined when there is none yet. */
export function currentDatabaseUrl(): string | undefined {
  const configured = configuredDatabaseUrl();
  if (configured) return configured;
  const state = readEmbeddedState();
  return state ? embeddedUrl(state) : undefined;
}

export const NO_DATABASE_HINT =
  'No database configured: run `npm run db:start` to start the embedded PostgreSQL, or set DATABASE_URL (see .env.example).';

export function requireDatabaseUrl(): string {
  const url = currentDatabaseUrl();
  if (!url) throw new DatabaseError(NO_DATABASE_HINT);
  return url;
}

export interface EnsuredDatabase {
  url: string;
  source: 'DATABASE_URL' | 'embedded';
  /** What happened to the embedded server: started now, already running, or not used. */
  embedded: 'started' | 'reused' | 'not-used';
  note: string | undefined;
}

/** The URL to use, starting the embedded server when no DATABASE_URL is set. */
export async function ensureDatabase(): Promise<EnsuredDatabase> {
  const configured = configuredDatabaseUrl();
  if (configured) {
    // Reach it before anyone reports it ready. A database that doesn't exist yet is fine:
    // `prisma migrate deploy` creates it.
    await withPgClient(configured, async () => undefined).catch((error: { code?: string }) => {
      if (error.code !== '3D000') throw error;
    });
    return { url: configured, source: 'DATABASE_URL', embedded: 'not-used', note: undefined };
  }
  const started = await startEmbeddedPostgres();
  return { url: started.url, source: 'embedded', embedded: started.reused ? 'reused' : 'started', note: started.note };
}
