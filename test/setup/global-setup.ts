/**
 * Once per `npm test`: make sure a server is up, the client is generated, and the template
 * database is migrated with the real `prisma migrate deploy`. Test files clone it (fast) rather
 * than migrating their own database (slow).
 */
import type { TestProject } from 'vitest/node';
import { withDatabase } from '../../src/db/connection-url.ts';
import { dropDatabasesWithPrefix, migrateDatabase } from '../../src/db/scratch-databases.ts';
import { startEmbeddedPostgres, stopEmbeddedPostgres } from '../../src/embedded-db/server.ts';
import { generateClientIfStale } from '../../src/setup/generate-client.ts';
import {
  assertTestRoleCanCreate,
  configuredTestServerUrl,
  TEMPLATE_DATABASE,
  TEST_DATABASE_PREFIX,
} from './test-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    testServerUrl: string;
    templateUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const external = configuredTestServerUrl();
  if (external) await assertTestRoleCanCreate(external);
  let startedHere = false;
  let serverUrl = external;
  if (!serverUrl) {
    const started = await startEmbeddedPostgres();
    startedHere = !started.reused;
    serverUrl = withDatabase(started.url, 'postgres');
  }

  await generateClientIfStale();
  await dropDatabasesWithPrefix(serverUrl, TEST_DATABASE_PREFIX);
  const templateUrl = withDatabase(serverUrl, TEMPLATE_DATABASE);
  // The real CLI creates the database (it does not exist yet) and applies every migration.
  await migrateDatabase(templateUrl);

  project.provide('testServerUrl', serverUrl);
  project.provide('templateUrl', templateUrl);

  return async () => {
    await dropDatabasesWithPrefix(serverUrl, TEST_DATABASE_PREFIX);
    // Leave a server we found running as it was; stop one we started.
    if (startedHere) await stopEmbeddedPostgres();
  };
}
