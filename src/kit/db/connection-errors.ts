/**
 * Database failures described the way Prisma describes them: a user-facing message plus Prisma's
 * error code (P1001 and friends). The schema-engine stand-in returns these to the Prisma CLI,
 * which prints them and acts on some (`migrate dev` creates the database on P1003); the kit's own
 * scripts print the same words, so a user sees one vocabulary.
 */

export interface EngineFailure {
  message: string;
  errorCode: string | undefined;
}

interface PgConnectionError {
  code?: string;
  message?: string;
}

/**
 * A connection failure in parts: Prisma's code, what happened, and the advice (Prisma's own words
 * where it has them). The command layer prints them on one line (run-cli.ts); the stand-in hands
 * the CLI Prisma's message, the two joined by a blank line (connectionFailure).
 */
export interface ConnectionFailure {
  errorCode: string | undefined;
  summary: string;
  advice?: string;
}

/** Prisma's wording for connection failures, keyed by what node-postgres reports. */
export function describeConnectionFailure(error: unknown, url: string): ConnectionFailure {
  const { hostname, port: rawPort, username } = new URL(url);
  const port = rawPort || '5432';
  const database = decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres';
  const { code, message } = (error ?? {}) as PgConnectionError;
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
    case 'ECONNRESET':
      return {
        errorCode: 'P1001',
        summary: `Can't reach database server at \`${hostname}:${port}\``,
        advice: `Please make sure your database server is running at \`${hostname}:${port}\`.`,
      };
    case '28P01':
    case '28000':
      return {
        errorCode: 'P1000',
        summary: `Authentication failed against database server, the provided database credentials for \`${username}\` are not valid.`,
        advice: `Please make sure to provide valid database credentials for the database server at \`${hostname}:${port}\`.`,
      };
    case '3D000':
      return {
        errorCode: 'P1003',
        summary: `Database \`${database}\` does not exist on the database server at \`${hostname}:${port}\`.`,
      };
    case '57P01':
    case '57P02':
    case '57P03':
      return {
        errorCode: 'P1017',
        summary: `Server has closed the connection (${message ?? code}).`,
        advice: `The server at \`${hostname}:${port}\` shut down, restarted or ended this session; run the command again once it is back.`,
      };
    case '42P04':
      return {
        errorCode: 'P1009',
        summary: `Database \`${database}\` already exists on the database server at \`${hostname}:${port}\``,
      };
    default:
      if (/timeout/i.test(message ?? '')) {
        return {
          errorCode: 'P1001',
          summary: `Can't reach database server at \`${hostname}:${port}\``,
          advice: `Please make sure your database server is running at \`${hostname}:${port}\`.`,
        };
      }
      return { errorCode: undefined, summary: message ?? String(error) };
  }
}

/** The failure as Prisma's native engine reports it to the CLI: one message, the advice after a blank line. */
export function connectionFailure(error: unknown, url: string): EngineFailure {
  const { errorCode, summary, advice } = describeConnectionFailure(error, url);
  return { errorCode, message: advice ? `${summary}\n\n${advice}` : summary };
}

// The wasm engine rejects with plain Errors carrying the same user-facing messages as the native
// engine but not their codes; these are the ones the CLI or a user would act on.
const CODES_BY_MESSAGE: Array<[RegExp, string]> = [
  [/^Can't reach database server/, 'P1001'],
  [/^Authentication failed against database server/, 'P1000'],
  [/^Database `[^`]*` does not exist/, 'P1003'],
  [/^A migration failed to apply/, 'P3018'],
  [/failed to apply cleanly to the shadow database/, 'P3006'],
  [/found failed migrations in the target database/, 'P3009'],
  [/is already recorded as applied in the database/, 'P3008'],
  [/^Timed out trying to acquire a postgres advisory lock/, 'P1002'],
];

export function engineFailure(error: unknown): EngineFailure {
  const message = error instanceof Error ? error.message : String(error);
  const match = CODES_BY_MESSAGE.find(([pattern]) => pattern.test(message));
  return { message: message.trimEnd(), errorCode: match?.[1] };
}

/**
 * The server ended the connection in the middle of the work: a shutdown or restart (57P01–57P03),
 * a crash, a dropped network. What was committed before stays; the work can be resumed.
 */
export function isConnectionLost(error: unknown): boolean {
  const { code, message } = (error ?? {}) as PgConnectionError;
  return (
    ['57P01', '57P02', '57P03', 'ECONNRESET', 'EPIPE'].includes(code ?? '') ||
    /Connection terminated|not queryable|terminating connection/i.test(message ?? '')
  );
}
