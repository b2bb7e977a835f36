/**
 * The extensions a database has, read as Prisma's schema describer reads them (every row of
 * `pg_extension`, by name, plpgsql and what a managed host preinstalls included): one side of
 * the stand-in's extension comparison (extensions.ts).
 */
import type pg from 'pg';
import { withPgClient } from '../../db/pg-client.ts';
import type { Extension } from './extension-steps.ts';

const QUERY = `SELECT e.extname AS name, e.extversion AS version, e.extrelocatable AS relocatable, n.nspname AS schema
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
ORDER BY e.extname`;

export async function readInstalledExtensions(client: Pick<pg.ClientBase, 'query'>): Promise<Extension[]> {
  const { rows } = await client.query<Extension>(QUERY);
  return rows.map(({ name, schema, version, relocatable }) => ({ name, schema, version, relocatable }));
}

export const installedExtensionsAt = (url: string): Promise<Extension[]> => withPgClient(url, readInstalledExtensions);
