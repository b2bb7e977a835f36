/**
 * A connection URL's TLS parameters, read as Prisma's native engine and libpq read them, turned
 * into node-postgres options. node-postgres reads `sslmode` itself, differently: it treats
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
import { CliError } from '../cli-error.ts';

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
}

function readPem(path: string, parameter: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new CliError(`The database URL's ${parameter} names ${path}, which can't be read. Fix the path in the URL.`);
  }
}

export function pgConnectionOptions(url: string): PgConnectionOptions {
  const parsed = new URL(url);
  const get = (name: string) => parsed.searchParams.get(name) ?? undefined;
  const mode = get('sslmode') ?? 'prefer';
  const rootCertPath = get('sslrootcert') ?? get('sslcert');
  for (const name of TLS_PARAMETERS) parsed.searchParams.delete(name);
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
      throw new CliError(
        `The database URL's sslmode=${mode} is not one PostgreSQL knows: use disable, prefer, require, verify-ca or verify-full.`,
      );
  }
}
