/**
 * The PostgreSQL server tests run on: TEST_DATABASE_URL when set (any database on that server;
 * tests create and drop their own), otherwise the embedded server. Never the dev database:
 * every test database is named kit_test_*.
 */
import { connectionFailure } from '#kit/db/connection-errors.ts';
import { parseDatabaseUrl, withDatabase } from '#kit/db/connection-url.ts';
import { loadEnv } from '#kit/env.ts';
import { withPgClient } from '#kit/db/pg-client.ts';

/**
 * Every test database's name starts with this, and a run drops whatever does at its start and end.
 * A suite run inside the suite (test/kit/project-init/) sets KIT_TEST_DATABASE_PREFIX to a longer one
 * so that the two runs never drop each other's databases.
 */
export const TEST_DATABASE_PREFIX = process.env.KIT_TEST_DATABASE_PREFIX || 'kit_test_';
if (!/^kit_test_[a-z0-9_]*$/.test(TEST_DATABASE_PREFIX)) {
  throw new Error(`KIT_TEST_DATABASE_PREFIX must start with kit_test_ (lowercase, digits, _): ${TEST_DATABASE_PREFIX}`);
}
export const TEMPLATE_DATABASE = `${TEST_DATABASE_PREFIX}template`;
/** The demo project's history (test/kit/support/demo-project.ts), for tests of the kit's machinery. */
export const DEMO_TEMPLATE_DATABASE = `${TEST_DATABASE_PREFIX}demo_template`;

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
  ).catch((error: unknown) => {
    const failure = connectionFailure(error, serverUrl);
    if (!failure.errorCode) throw error;
    throw new Error(
      `TEST_DATABASE_URL: ${failure.errorCode}: ${failure.message.split('\n\n')[0]}. Start that server, or unset TEST_DATABASE_URL to use the embedded one.`,
    );
  });
  const missing = [role.createdb ? '' : 'CREATEDB', role.createrole ? '' : 'CREATEROLE'].filter(Boolean);
  if (missing.length > 0) {
    throw new Error(
      `TEST_DATABASE_URL's role ${role.name} lacks ${missing.join(' and ')}: the tests create a database per file and roles of their own. Use a superuser (or ALTER ROLE ${role.name} ${missing.join(' ')}), or unset TEST_DATABASE_URL to use the embedded server.`,
    );
  }
}
