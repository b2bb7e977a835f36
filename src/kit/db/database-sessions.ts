/**
 * Ending the other sessions on a database before the kit copies it (TEMPLATE needs it alone) or
 * drops it: first counted, and checked that this role may end each one, so a refusal comes before
 * anything is ended; then ended and counted in the command's output.
 *
 * Only client sessions. An autovacuum worker on the database is PostgreSQL's own, and a role that
 * is not a superuser may not end it: `DROP DATABASE … WITH (FORCE)` then fails with "permission
 * denied to terminate process" (seen on PostgreSQL 17 and 18), while CREATE DATABASE and a plain
 * DROP DATABASE stop such workers themselves.
 */
import type pg from 'pg';
import { DatabaseError } from './database-error.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';

/**
 * The other client sessions on `database`, which a TEMPLATE copy or a drop must end, once it is
 * checked that this role may end each one (its own role's, or any but a superuser's with
 * pg_signal_backend, as PostgreSQL allows): if not, it refuses before anything is ended, naming
 * whose sessions they are. Background workers (autovacuum) are left to CREATE DATABASE, which
 * stops them itself.
 */
export async function sessionsToEnd(client: pg.Client, database: string, command: string): Promise<number[]> {
  const sessions = (
    await client.query<{ pid: number; role: string | null; may_end: boolean }>(
      `SELECT a.pid, a.usename AS role,
              (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
              OR (pg_has_role(current_user, a.usesysid, 'USAGE')
                  OR (pg_has_role(current_user, 'pg_signal_backend', 'USAGE')
                      AND NOT coalesce((SELECT rolsuper FROM pg_roles r WHERE r.oid = a.usesysid), false))) AS may_end
       FROM pg_stat_activity a
       WHERE a.datname = $1 AND a.pid <> pg_backend_pid() AND a.backend_type = 'client backend'`,
      [database],
    )
  ).rows;
  const others = sessions.filter((session) => !session.may_end);
  if (others.length > 0) {
    const roles = [...new Set(others.map((session) => session.role ?? 'another role'))].join(', ');
    throw new DatabaseError(
      `${command} needs ${database} to itself, and ${others.length} of its ${sessions.length} other session(s) belong to ${roles}, which this role may not end`,
      { fix: 'Close them (the app, psql, a GUI) and run it again. Nothing was changed.' },
    );
  }
  return sessions.map((session) => session.pid);
}

/** Ends the sessions `sessionsToEnd` returned; how many. */
export async function endSessions(client: pg.Client, pids: number[]): Promise<number> {
  for (const pid of pids) await client.query('SELECT pg_terminate_backend($1)', [pid]);
  return pids.length;
}

/**
 * Drops `database` once its client sessions are ended (checked first); how many were. WITH (FORCE)
 * also ends a session opened meanwhile; when PostgreSQL refuses that for a worker of its own
 * (42501), the plain DROP lets PostgreSQL stop the worker itself.
 */
export async function dropDatabaseEndingSessions(
  client: pg.Client,
  database: string,
  command: string,
): Promise<number> {
  const ended = await endSessions(client, await sessionsToEnd(client, database, command));
  await dropDatabaseForcing(client, database);
  return ended;
}

/**
 * DROP DATABASE … WITH (FORCE), which also ends a session opened meanwhile; when PostgreSQL
 * refuses that for a worker of its own (42501: a role that is not a superuser may not end an
 * autovacuum worker), the plain DROP, which stops such workers itself. For a database the caller
 * made and nobody else uses (the stand-in's shadow database), this is the whole drop.
 */
export async function dropDatabaseForcing(client: pg.ClientBase, database: string): Promise<void> {
  const name = quoteIdentifier(database);
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(async (error: { code?: string }) => {
    if (error.code !== '42501') throw error;
    await client.query(`DROP DATABASE IF EXISTS ${name}`);
  });
}
