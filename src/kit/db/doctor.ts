/**
 * What `npm run db:doctor` finds out about one configured URL, as plain data: the server and its
 * version, direct or pooled, the TLS each client of the kit really gets, the role and what it may
 * do, the migration history and Migrate's lock. Read-only: it connects, reads catalogs and
 * disconnects; what to do about a finding is said, never done (ending a session that holds the
 * lock is the person's call).
 *
 * Findings are `problem`s when a kit command would fail or do the wrong thing with this URL, and
 * `note`s when it works but someone should know.
 */
import type pg from 'pg';
import { SUPPORTED_MAJORS } from '../embedded-db/postgres-major.ts';
import { migrationFolders } from '../migrations/migration-folders.ts';
import { MIGRATION_LOCK_KEY } from '../schema-engine/migration-lock.ts';
import { redactUrl, scrubSecret } from './connection-url.ts';
import { serverId } from './development-server.ts';
import { withPgClient } from './pg-client.ts';
import { pooledBecause } from './pooled-url.ts';
import { pgConnectionOptions, urlSchema } from './pg-connection-options.ts';
import { environment } from '../environment.ts';

export interface Finding {
  level: 'problem' | 'note';
  text: string;
}

export interface UrlExamination {
  name: string;
  url: string;
  /** Labelled lines: server, connection, role, migrations. */
  facts: Array<[label: string, text: string]>;
  findings: Finding[];
}

/** What the kit's clients (the scripts, the stand-in, the app's adapter) do with the URL's TLS. */
function tlsPlan(url: string): string {
  const mode = new URL(url).searchParams.get('sslmode') ?? 'none';
  const { ssl } = pgConnectionOptions(url);
  if (!ssl)
    return mode === 'disable'
      ? 'no TLS (sslmode=disable)'
      : `no TLS (sslmode ${mode === 'none' ? 'unset' : mode}: the kit does not try TLS first as libpq's prefer does)`;
  const checks = !ssl.rejectUnauthorized
    ? 'the certificate not checked'
    : ssl.checkServerIdentity
      ? 'the certificate checked against the CA, not the host name'
      : 'the certificate and the host name checked';
  return `TLS, ${checks} (sslmode=${mode})`;
}

interface RoleFacts {
  role: string;
  superuser: boolean;
  createdb: boolean;
  createrole: boolean;
  owns_database: boolean;
  schema_owner: string | null;
  schema_usage: boolean;
  schema_create: boolean;
  encrypted: boolean | null;
  version: string;
  version_num: number;
}

async function readRole(client: pg.Client, schema: string): Promise<RoleFacts> {
  return (
    await client.query<RoleFacts>(
      `SELECT current_user AS role, r.rolsuper AS superuser, r.rolcreatedb AS createdb, r.rolcreaterole AS createrole,
              pg_has_role(current_user, d.datdba, 'USAGE') AS owns_database,
              pg_get_userbyid(n.nspowner) AS schema_owner,
              coalesce(has_schema_privilege(n.oid, 'USAGE'), false) AS schema_usage,
              coalesce(has_schema_privilege(n.oid, 'CREATE'), false) AS schema_create,
              (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) AS encrypted,
              current_setting('server_version') AS version,
              current_setting('server_version_num')::int AS version_num
       FROM pg_roles r
       JOIN pg_database d ON d.datname = current_database()
       LEFT JOIN pg_namespace n ON n.nspname = $1
       WHERE r.rolname = current_user`,
      [schema],
    )
  ).rows[0]!;
}

async function readMigrations(client: pg.Client, findings: Finding[], migrationsDir: string): Promise<string> {
  const present = (await client.query(`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present`)).rows[0]
    .present as boolean;
  const lock = await client.query<{ pid: number; usename: string | null; state: string | null; since: string | null }>(
    `SELECT l.pid, a.usename, a.state, to_char(a.state_change, 'YYYY-MM-DD HH24:MI:SS') AS since
     FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = $1 AND l.objsubid = 1
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [MIGRATION_LOCK_KEY],
  );
  const holder = lock.rows[0];
  if (holder)
    findings.push({
      level: 'problem',
      text: `Migrate's lock (advisory lock ${MIGRATION_LOCK_KEY}) is held by session ${holder.pid} (${holder.usename ?? 'another role'}, ${holder.state ?? 'state hidden'}${holder.since ? ` since ${holder.since}` : ''}): every migrate command waits for it. If no deploy is running, end that session: SELECT pg_terminate_backend(${holder.pid});`,
    });
  const lockText = holder ? `Migrate's lock held by session ${holder.pid}` : "Migrate's lock is free";
  if (!present) return `no history yet (_prisma_migrations is missing); ${lockText}`;
  const history = await client
    .query<{ applied: number; failed: number; names: string[] }>(
      `SELECT count(*) FILTER (WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL)::int AS applied,
              count(*) FILTER (WHERE finished_at IS NULL AND rolled_back_at IS NULL)::int AS failed,
              coalesce(array_agg(migration_name) FILTER (WHERE rolled_back_at IS NULL), '{}') AS names
       FROM _prisma_migrations`,
    )
    .catch((error: { code?: string }) => {
      if (error.code === '42501') return undefined;
      throw error;
    });
  if (!history) {
    findings.push({
      level: 'note',
      text: 'This role may not read _prisma_migrations: it is not the migrator (fine for the app; migration commands need the migrator).',
    });
    return `history not readable by this role; ${lockText}`;
  }
  const { applied, failed, names } = history.rows[0]!;
  const pending = migrationFolders(migrationsDir).filter((name) => !names.includes(name)).length;
  if (failed > 0)
    findings.push({
      level: 'problem',
      text: `${failed} migration(s) failed and block every deploy: npm run migrate:recover says what happened and the ways out.`,
    });
  return `${applied} applied, ${failed} failed, ${pending} pending; ${lockText}`;
}

/** Examines one URL. `role` says what the kit needs it for: migrations, a shadow database, tests. */
export async function examineUrl(
  name: string,
  url: string,
  purpose: 'migrations' | 'shadow' | 'tests',
  migrationsDir: string,
): Promise<UrlExamination> {
  const facts: UrlExamination['facts'] = [];
  const findings: Finding[] = [];
  const pooled = pooledBecause(url);
  facts.push(['connection', `${pooled ? `pooled (${pooled})` : 'direct'}; ${tlsPlan(url)}`]);
  if (pooled && purpose !== 'tests')
    findings.push({
      level: environment().KIT_ALLOW_POOLED_URL ? 'note' : 'problem',
      text: `Migration commands refuse a transaction-mode pooler's URL: use the direct one for ${name} (KIT_ALLOW_POOLED_URL=1 for a session-mode pooler).`,
    });
  const schema = urlSchema(url) ?? 'public';
  try {
    await withPgClient(url, async (client) => {
      const role = await readRole(client, schema);
      const major = Math.floor(role.version_num / 10000);
      const id = await serverId(url);
      const development = id === environment().KIT_DEV_SERVER_ID ? ', named in KIT_DEV_SERVER_ID' : '';
      facts.unshift([
        'server',
        `PostgreSQL ${role.version}${SUPPORTED_MAJORS.includes(major) ? '' : ' (not supported)'}; system identifier ${id}${development}; ${role.encrypted ? 'encrypted' : 'not encrypted'}`,
      ]);
      if (!SUPPORTED_MAJORS.includes(major))
        findings.push({
          level: 'problem',
          text: `PostgreSQL ${major} is not one the kit supports (${SUPPORTED_MAJORS.join(', ')}; docs/decisions/0017-supported-runtimes.md).`,
        });
      const may = [
        role.superuser ? 'superuser' : 'not a superuser',
        role.createdb ? 'CREATEDB' : 'no CREATEDB',
        role.createrole ? 'CREATEROLE' : 'no CREATEROLE',
        role.owns_database ? 'owns the database' : 'does not own the database',
      ].join(', ');
      const schemaText = role.schema_owner
        ? `schema ${schema} (owner ${role.schema_owner}): ${[role.schema_usage && 'USAGE', role.schema_create && 'CREATE'].filter(Boolean).join(', ') || 'no access'}`
        : `no schema ${schema}`;
      facts.push(['role', `${role.role}: ${may}; ${schemaText}`]);
      if (role.schema_owner && !role.schema_usage)
        findings.push({
          level: 'problem',
          text: `${role.role} has no USAGE on the schema ${schema}: Migrate can't read its history there (Prisma says "migration persistence is not initialized"). As ${role.schema_owner}: GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${role.role}, or npm run db:roles.`,
        });
      if (purpose === 'migrations') facts.push(['migrations', await readMigrations(client, findings, migrationsDir)]);
      if (purpose === 'migrations' && !role.createdb && !role.superuser && !environment().SHADOW_DATABASE_URL)
        findings.push({
          level: 'note',
          text: `${role.role} has no CREATEDB, so migrate dev, migrate diff --from-migrations and migrate:lint need SHADOW_DATABASE_URL (an empty database of its own), or lint with --no-database.`,
        });
      if (purpose === 'tests' && !role.superuser && !(role.createdb && role.createrole))
        findings.push({
          level: 'problem',
          text: `The tests create databases and roles: ${role.role} needs CREATEDB and CREATEROLE.`,
        });
    });
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    facts.unshift(['server', 'not reached']);
    findings.push({
      level: 'problem',
      text: `Can't connect: ${code ? `${code} ` : ''}${scrubSecret(message ?? String(error), url)}`,
    });
  }
  return { name, url: redactUrl(url), facts, findings };
}
