/**
 * PostgreSQL's "permission denied" (42501, insufficient_privilege) as one line that names the
 * role that lacked the right and the role to use instead. On a managed host the URL at hand is
 * often the app's own role (what the platform injects as DATABASE_URL), which by design may not
 * read Migrate's history or change the schema; a stack trace would hide that one fact.
 */
import { DatabaseError } from './database-error.ts';

const INSUFFICIENT_PRIVILEGE = '42501';

export function permissionError(error: unknown, url: string | undefined): DatabaseError | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code !== INSUFFICIENT_PRIVILEGE || typeof message !== 'string') return undefined;
  const role = url ? decodeURIComponent(new URL(url).username) : '';
  const who = role ? `the role "${role}"` : 'this role';
  return new DatabaseError(`${message} (${who} may not do this)`, {
    fix: `Kit commands that read Migrate's history or change the schema run as the migrator or the database owner: point DATABASE_URL at that role's URL (in deploys, MIGRATION_DATABASE_URL; roles: npm run db:roles). Nothing was changed by this command.`,
  });
}
