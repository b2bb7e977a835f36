/**
 * The PostgreSQL server tests run on: TEST_DATABASE_URL when set (any database on that server;
 * tests create and drop their own), otherwise the embedded server. Never the dev database:
 * every test database is named kit_test_*.
 */
import { parseDatabaseUrl, withDatabase } from '../../src/db/connection-url.ts';
import { loadEnv } from '../../src/env.ts';

export const TEMPLATE_DATABASE = 'kit_test_template';
export const TEST_DATABASE_PREFIX = 'kit_test_';

export function configuredTestServerUrl(): string | undefined {
  loadEnv();
  const url = process.env.TEST_DATABASE_URL?.trim();
  if (!url) return undefined;
  parseDatabaseUrl(url, 'TEST_DATABASE_URL');
  return withDatabase(url, 'postgres');
}
