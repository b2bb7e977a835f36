/**
 * Migrations need a direct connection. Migrate holds its lock (pg_advisory_lock) for the session
 * and runs a file's statements on one connection; a transaction-mode pooler (Supavisor on port
 * 6543, Neon's `-pooler` host, PgBouncer, which Prisma marks with `pgbouncer=true`) hands each
 * transaction to whichever server connection is free, so a deploy can hang, or leave the lock
 * held on a pooled connection where later deploys time out on it (P1002). The app uses the pooled
 * URL; migration commands refuse it in one line, naming the direct one to use.
 */
import { DatabaseError } from './database-error.ts';
import { environment } from '../environment.ts';

/** Why `url` looks like a transaction-mode pooler's, or undefined. */
export function pooledBecause(url: string): string | undefined {
  const parsed = new URL(url);
  if (parsed.searchParams.get('pgbouncer') === 'true') return 'it says pgbouncer=true';
  if (/-pooler\./.test(parsed.hostname)) return `its host ${parsed.hostname} is a pooler's (Neon)`;
  if (parsed.port === '6543') return 'port 6543 is the transaction-mode pooler (Supabase, Supavisor)';
  return undefined;
}

export function assertDirectUrl(url: string, command: string): void {
  const because = pooledBecause(url);
  if (!because || environment().KIT_ALLOW_POOLED_URL) return;
  throw new DatabaseError(
    `${command} needs a direct connection, and DATABASE_URL goes through a connection pooler (${because}): Migrate's lock lasts a session, which a transaction-mode pooler does not keep`,
    {
      fix: 'Use the direct URL for migrations (Neon: the host without -pooler; Supabase: the direct connection string, port 5432) and keep the pooled one for the app; a session-mode pooler is fine: KIT_ALLOW_POOLED_URL=1.',
    },
  );
}
