/**
 * Once per `npm test`: make sure a server is up, the client is generated, and the template
 * database is migrated with the real `prisma migrate deploy`. Test files clone it (fast) rather
 * than migrating their own database (slow).
 */
import { withPgClient } from '../../src/db/pg-client.ts';
import type { TestProject } from 'vitest/node';
import { withDatabase } from '../../src/db/connection-url.ts';
import { startEmbeddedPostgres, stopEmbeddedPostgres } from '../../src/embedded-db/server.ts';
import { runPrisma } from '../../src/prisma-cli.ts';
import { generateClientIfStale } from '../../src/setup/generate-client.ts';
import { configuredTestServerUrl, TEMPLATE_DATABASE, TEST_DATABASE_PREFIX } from './test-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    testServerUrl: string;
    templateUrl: string;
  }
}

async function dropTestDatabases(serverUrl: string): Promise<void> {
  await withPgClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1`,
      [`${TEST_DATABASE_PREFIX.replace(/_/g, '\\_')}%`],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
    }
  });
}

export default async function setup(project: TestProject) {
  const external = configuredTestServerUrl();
  let startedHere = false;
  let serverUrl = external;
  if (!serverUrl) {
    const started = await startEmbeddedPostgres();
    startedHere = !started.reused;
    serverUrl = withDatabase(started.url, 'postgres');
  }

  await generateClientIfStale();
  await dropTestDatabases(serverUrl);
  const templateUrl = withDatabase(serverUrl, TEMPLATE_DATABASE);
  // The real CLI creates the database (it does not exist yet) and applies every migration.
  const deploy = await runPrisma(['migrate', 'deploy'], { url: templateUrl, env: { KIT_QUIET_ENGINE_LINE: '1' } });
  if (deploy.code !== 0) throw new Error(`migrate deploy into the test template failed:\n${deploy.stdout}${deploy.stderr}`);

  project.provide('testServerUrl', serverUrl);
  project.provide('templateUrl', templateUrl);

  return async () => {
    await dropTestDatabases(serverUrl);
    // Leave a server we found running as it was; stop one we started.
    if (startedHere) await stopEmbeddedPostgres();
  };
}
