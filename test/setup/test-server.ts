/**
 * The PostgreSQL server tests run on: TEST_DATABASE_URL when set (any database on that server;
 * tests create and drop their own), otherwise the embedded server. Never the dev database:
 * every test database is named kit_test_*.
 */
import { parseDatabaseUrl, withDatabase } from '../../src/db/connection-url.ts';
import { loadEnv } from '../../src/env.ts';
import { withPgClient } from '../../src/db/pg-client.ts';

export const TEMPLATE_DATABASE = 'kit_test_template';
export const TEST_DATABASE_PREFIX = 'kit_test_';

export function configuredTestServerUrl(): string | undefined {
  loadEnv();
  const url = process.env.TEST_DATABASE_URL?.trim();
  if (!url) return undefined;
  parseDatabaseUrl(url, 'TEST_DATABASE_URL');
  return withDatabase(url, 'postgres');
}

/**
 * The tests create a database per file and roles of their own: refuse, in one line, a server
 * whose role can't, rather than failing every file with a stack.
 */
export async function assertTestRoleCanCreate(serverUrl: string): Promise<void> {
  const role = await withPgClient(
    serverUrl,
    async (client) =>
      (
        await client.query<{ name: string; createdb: boolean; createrole: boolean }>(
          'SELECT rolname AS name, rolcreatedb OR rolsuper AS createdb, rolcreaterole OR rolsuper AS createrole FROM pg_roles WHERE rolname = current_user',
        )
      ).rows[0]!,
  );
  const missing = [role.createdb ? '' : 'CREATEDB', role.createrole ? '' : 'CREATEROLE'].filter(Boolean);
  if (missing.length > 0) {
    throw new Error(
      `TEST_DATABASE_URL's role ${role.name} lacks ${missing.join(' and ')}: the tests create a database per file and roles of their own. Use a superuser (or ALTER ROLE ${role.name} ${missing.join(' ')}), or unset TEST_DATABASE_URL to use the embedded server.`,
    );
  }
}
