/**
 * Least-privilege roles for one database:
 * - the migrator owns the schema and everything in it, so `prisma migrate deploy` (and only it)
 *   can change the schema; it gets a default lock_timeout so no migration queues writers for long;
 * - the app role reads and writes rows and nothing else: no CREATE, ALTER, DROP or TRUNCATE, and
 *   no access to Migrate's history table.
 * Run once per environment as an admin (`npm run db:roles`); it is idempotent, so re-running it
 * after new migrations also re-grants on tables created since (default privileges cover those
 * the migrator creates).
 */
import type pg from 'pg';
import { DatabaseError } from './database-error.ts';
import { databaseName } from './connection-url.ts';
import { withPgClient } from './pg-client.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';
import { urlSchema } from './pg-connection-options.ts';

export interface RoleNames {
  migrator: string;
  app: string;
}

export interface RolePasswords {
  migrator: string;
  app: string;
}

const ROLE = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Creates the role, or brings an existing one to LOGIN and no superuser, CREATEDB or CREATEROLE
 * with the given password. Attributes are sent only where they differ: PostgreSQL refuses
 * `ALTER ROLE … NOSUPERUSER` from an admin that is not a superuser even when nothing would change,
 * and no admin on a managed host is one, so sending them again would fail every re-run.
 */
async function ensureLoginRole(client: pg.Client, role: string, password: string): Promise<void> {
  const id = quoteIdentifier(role);
  const secret = `PASSWORD ${client.escapeLiteral(password)}`;
  const existing = (
    await client.query<{ rolcanlogin: boolean; rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean }>(
      'SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = $1',
      [role],
    )
  ).rows[0];
  if (!existing) {
    await client.query(`CREATE ROLE ${id} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE ${secret}`);
    return;
  }
  const changes = [
    existing.rolcanlogin ? '' : 'LOGIN',
    existing.rolsuper ? 'NOSUPERUSER' : '',
    existing.rolcreatedb ? 'NOCREATEDB' : '',
    existing.rolcreaterole ? 'NOCREATEROLE' : '',
  ].filter(Boolean);
  await client.query(`ALTER ROLE ${id} ${[...changes, secret].join(' ')}`);
}

/**
 * Whether the admin may hand the schema (the URL's `?schema=`, else `public`) to the migrator.
 * From PostgreSQL 15 `public` belongs to
 * the database's owner; on 14 and older to the bootstrap superuser (`postgres`, `rdsadmin`, …),
 * which a managed host's admin is not, and which lets every role (PUBLIC) create in it. Then the
 * schema stays as it is: the roles work if PUBLIC's default USAGE and CREATE are still there
 * (refused in one line naming the GRANT otherwise), and the app role can create tables there until
 * the owner revokes that, which is said as a warning.
 */
async function schemaAccess(
  client: pg.Client,
  names: RoleNames,
  name: string,
): Promise<{ adminOwnsIt: boolean; warnings: string[] }> {
  const schema = (
    await client.query<{
      owner: string;
      admin_owns_it: boolean;
      migrator_can: boolean;
      app_uses: boolean;
      app_creates: boolean;
    }>(
      `SELECT pg_get_userbyid(nspowner) AS owner,
              pg_has_role(current_user, nspowner, 'USAGE') AS admin_owns_it,
              has_schema_privilege($1, oid, 'USAGE') AND has_schema_privilege($1, oid, 'CREATE') AS migrator_can,
              has_schema_privilege($2, oid, 'USAGE') AS app_uses,
              has_schema_privilege($2, oid, 'CREATE') AS app_creates
       FROM pg_namespace WHERE nspname = $3`,
      [names.migrator, names.app, name],
    )
  ).rows[0];
  if (!schema)
    throw new DatabaseError(`The database has no schema "${name}": create it, then run npm run db:roles again`);
  if (schema.admin_owns_it) return { adminOwnsIt: true, warnings: [] };
  const grant = (role: string, what: string) =>
    `The schema ${name} belongs to "${schema.owner}", not to this admin, and does not let ${role} ${what}. As "${schema.owner}" (or a superuser) run GRANT USAGE, CREATE ON SCHEMA ${quoteIdentifier(name)} TO ${role}; then run npm run db:roles again. Nothing was changed.`;
  if (!schema.migrator_can) throw new DatabaseError(grant(names.migrator, 'create in it'));
  if (!schema.app_uses) throw new DatabaseError(grant(names.app, 'use it').replace('USAGE, CREATE', 'USAGE'));
  return {
    adminOwnsIt: false,
    warnings: schema.app_creates
      ? [
          `${names.app} can create tables in the schema ${name}: every role may (PostgreSQL 14 and older's default for public), and only its owner "${schema.owner}" can change that. Ask for REVOKE CREATE ON SCHEMA ${quoteIdentifier(name)} FROM PUBLIC, run as "${schema.owner}" (docs/deploy/managed-postgresql.md).`,
        ]
      : [],
  };
}

/** Sets up the roles; returns what an admin should know that it could not change (warnings). */
export async function setUpRoles(adminUrl: string, names: RoleNames, passwords: RolePasswords): Promise<string[]> {
  const warnings: string[] = [];
  for (const [flag, role] of Object.entries(names)) {
    if (!ROLE.test(role)) throw new DatabaseError(`--${flag} "${role}" is not a PostgreSQL role name (a-z, 0-9, _)`);
  }
  if (names.migrator === names.app) throw new DatabaseError('The migrator and the app role must differ');
  for (const [which, password] of Object.entries(passwords)) {
    if (password.length < 12) throw new DatabaseError(`The ${which} password must be at least 12 characters`);
  }
  const database = databaseName(adminUrl);
  const schemaName = urlSchema(adminUrl) ?? 'public';
  await withPgClient(adminUrl, async (client) => {
    const migrator = quoteIdentifier(names.migrator);
    const app = quoteIdentifier(names.app);
    const schema = quoteIdentifier(schemaName);
    await client.query('BEGIN');
    try {
      await ensureLoginRole(client, names.migrator, passwords.migrator);
      await ensureLoginRole(client, names.app, passwords.app);
      // Handing the database and schema to the migrator needs membership in it. A superuser has
      // it; an admin with only CREATEROLE (what managed services give) grants it to itself.
      const admin = (
        await client.query<{ superuser: boolean; createdb: boolean }>(
          'SELECT rolsuper AS superuser, rolcreatedb AS createdb FROM pg_roles WHERE rolname = current_user',
        )
      ).rows[0]!;
      if (!admin.superuser) await client.query(`GRANT ${migrator} TO CURRENT_USER`);
      // Migrations fail fast instead of queueing every writer behind a blocked ALTER, even in
      // a file that can't say SET itself (a lone CREATE INDEX CONCURRENTLY).
      await client.query(`ALTER ROLE ${migrator} IN DATABASE ${quoteIdentifier(database)} SET lock_timeout = '5s'`);
      // Giving the database away takes CREATEDB as well; without it, the migrator gets what
      // ownership would have given Migrate: connecting and creating schemas.
      if (admin.superuser || admin.createdb)
        await client.query(`ALTER DATABASE ${quoteIdentifier(database)} OWNER TO ${migrator}`);
      else await client.query(`GRANT CONNECT, CREATE ON DATABASE ${quoteIdentifier(database)} TO ${migrator}`);
      // A schema the URL names (`?schema=tenant_a`) that doesn't exist yet is made the migrator's.
      if (schemaName !== 'public')
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${migrator}`);
      const access = await schemaAccess(client, names, schemaName);
      if (access.adminOwnsIt) {
        await client.query(`ALTER SCHEMA ${schema} OWNER TO ${migrator}`);
        await client.query(`REVOKE CREATE ON SCHEMA ${schema} FROM PUBLIC`);
      } else warnings.push(...access.warnings);
      // Everything the schema already holds (tables, sequences, views, enums, functions) moves
      // to the migrator, so later migrations can alter it.
      await client.query(`
        DO $$
        DECLARE object record;
        BEGIN
          FOR object IN
            SELECT format('ALTER %s %s OWNER TO %I',
                          CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
                          c.oid::regclass, ${client.escapeLiteral(names.migrator)}) AS ddl
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ${client.escapeLiteral(schemaName)} AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i') AND c.relkind = 'S')
            UNION ALL
            SELECT format('ALTER TYPE %s OWNER TO %I', t.oid::regtype, ${client.escapeLiteral(names.migrator)})
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE n.nspname = ${client.escapeLiteral(schemaName)} AND t.typtype = 'e'
            UNION ALL
            SELECT format('ALTER FUNCTION %s OWNER TO %I', p.oid::regprocedure, ${client.escapeLiteral(names.migrator)})
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = ${client.escapeLiteral(schemaName)}
          LOOP
            EXECUTE object.ddl;
          END LOOP;
        END $$`);
      await client.query(`GRANT CONNECT ON DATABASE ${quoteIdentifier(database)} TO ${app}`);
      if (access.adminOwnsIt) await client.query(`GRANT USAGE ON SCHEMA ${schema} TO ${app}`);
      await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${app}`);
      await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${app}`);
      await client.query(
        `ALTER DEFAULT PRIVILEGES FOR ROLE ${migrator} IN SCHEMA ${schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app}`,
      );
      await client.query(
        `ALTER DEFAULT PRIVILEGES FOR ROLE ${migrator} IN SCHEMA ${schema} GRANT USAGE, SELECT ON SEQUENCES TO ${app}`,
      );
      // The migration history is the migrator's business only.
      const history = `${schema}._prisma_migrations`;
      if ((await client.query('SELECT to_regclass($1) IS NOT NULL AS present', [history])).rows[0].present) {
        await client.query(`REVOKE ALL ON ${history} FROM ${app}`);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      const { code, message } = error as { code?: string; message?: string };
      // Expected on a role that may not do this: say so in one line, with what it needs.
      if (code === '42501') {
        throw new DatabaseError(`The admin role can't set up roles (${message})`, {
          fix: 'Connect as a role with CREATEROLE that owns the database (or a superuser); nothing was changed.',
        });
      }
      throw error;
    }
  });
  return warnings;
}
