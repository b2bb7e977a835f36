/**
 * A connection URL as Prisma's native engine reads it, turned into node-postgres options: every
 * connection the kit opens (its scripts, the schema-engine stand-in, the app's client) goes
 * through here, so each reads the URL the same way.
 *
 * `?schema=tenant_a` (a shared database, a Supabase project, a tenant per schema): the native
 * engine sets the search path to that schema, so migrations' unqualified names and
 * `_prisma_migrations` live there. node-postgres ignores the parameter, so the kit sets
 * `search_path` at connection (`options`), and hands the schema to adapter-pg, which qualifies
 * the client's queries with it (`urlSchema`).
 *
 * Its TLS parameters are read as the native engine and libpq read them. node-postgres reads `sslmode` itself, differently: it treats
 * `require` as verify-full (so RDS's and Supabase's certificates, signed by CAs Node doesn't
 * trust, fail with DEPTH_ZERO_SELF_SIGNED_CERT), and prints a SECURITY WARNING on stderr, which
 * is the channel the Prisma CLI reads the schema engine's JSON from. So the kit removes the TLS
 * parameters from the URL it hands node-postgres and passes `ssl` itself:
 *
 *   sslmode=disable                 no TLS
 *   sslmode=require                 TLS, the certificate not checked (libpq's `require`, Prisma's
 *                                   default `sslaccept=accept_invalid_certs`)
 *   sslmode=require with a root     checked against that CA, not the host name (libpq: a root
 *   certificate (sslrootcert,       certificate makes require verify-ca; Prisma: sslaccept=strict)
 *   sslcert) or sslaccept=strict
 *   sslmode=verify-ca               checked against the CA, not the host name
 *   sslmode=verify-full             checked against the CA (or Node's) and the host name
 *   no sslmode, prefer, allow       no TLS. Where the native engine would try TLS first, the kit
 *                                   connects in plain TCP: give a server that requires TLS
 *                                   sslmode=require (docs/deploy/managed-postgresql.md).
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { DatabaseError } from './database-error.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';

const TLS_PARAMETERS = [
  'sslmode',
  'sslrootcert',
  'sslcert',
  'sslkey',
  'sslaccept',
  'sslpassword',
  'sslidentity',
  'uselibpqcompat',
];

export interface PgConnectionOptions {
  connectionString: string;
  ssl: false | ConnectionOptions;
  /** `-c search_path=…` for a URL that names a schema. */
  options?: string;
}

/** The schema a URL names with `?schema=`, or undefined (PostgreSQL's search path: public). */
export function urlSchema(url: string): string | undefined {
  return new URL(url).searchParams.get('schema') || undefined;
}

/** The startup option that makes `schema` the connection's search path (spaces escaped, as libpq reads options). */
const searchPathOption = (schema: string) => `-c search_path=${quoteIdentifier(schema).replace(/([\\ ])/g, '\\$1')}`;

function readPem(path: string, parameter: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new DatabaseError(`The database URL's ${parameter} names ${path}, which can't be read`, {
      fix: 'Fix the path in the URL.',
    });
  }
}

export function pgConnectionOptions(url: string): PgConnectionOptions {
  const schema = urlSchema(url);
  return { ...tlsOptions(url), ...(schema ? { options: searchPathOption(schema) } : {}) };
}

function tlsOptions(url: string): PgConnectionOptions {
  const parsed = new URL(url);
  const get = (name: string) => parsed.searchParams.get(name) ?? undefined;
  const mode = get('sslmode') ?? 'prefer';
  const rootCertPath = get('sslrootcert') ?? get('sslcert');
  for (const name of [...TLS_PARAMETERS, 'schema']) parsed.searchParams.delete(name);
  const connectionString = parsed.toString();
  const ca = rootCertPath
    ? readPem(rootCertPath, rootCertPath === get('sslrootcert') ? 'sslrootcert' : 'sslcert')
    : undefined;
  const anyHost = { checkServerIdentity: () => undefined };
  switch (mode) {
    case 'disable':
    case 'allow':
    case 'prefer':
      return { connectionString, ssl: false };
    case 'require':
      if (ca || get('sslaccept') === 'strict')
        return { connectionString, ssl: { ca, rejectUnauthorized: true, ...anyHost } };
      return { connectionString, ssl: { rejectUnauthorized: false } };
    case 'verify-ca':
      return { connectionString, ssl: { ca, rejectUnauthorized: true, ...anyHost } };
    case 'verify-full':
      return { connectionString, ssl: { ca, rejectUnauthorized: true } };
    default:
      throw new DatabaseError(
        `The database URL's sslmode=${mode} is not one PostgreSQL knows: use disable, prefer, require, verify-ca or verify-full`,
      );
  }
}
