/**
 * Once per `npm test`: make sure a server is up, the client is generated, and the two template
 * databases are migrated with the real `prisma migrate deploy`: the project's history, and the
 * demo project's that the kit's machinery is tested on. Test files clone them (fast) rather than
 * migrating their own database (slow).
 */
import { serverId } from '#kit/db/development-server.ts';
import type { TestProject } from 'vitest/node';
import { withDatabase } from '#kit/db/connection-url.ts';
import { cloneDatabase, dropDatabasesWithPrefix, migrateDatabase } from '#kit/db/scratch-databases.ts';
import { migrationFolders, migrationSql } from '#kit/migrations/migration-folders.ts';
import { demoMigrations, demoMigrationsDir } from '../support/demo-project.ts';
import { deployDemoMigrations } from '../support/scratch-project.ts';
import { startEmbeddedPostgres, stopEmbeddedPostgres } from '#kit/embedded-db/server.ts';
import { generateClientIfStale } from '#kit/setup/generate-client.ts';
import { checkoutSettings } from '#kit/settings.ts';
import { migrationsDir } from '../support/checkout.ts';
import {
  assertTestRoleCanCreate,
  configuredTestServerUrl,
  DEMO_TEMPLATE_DATABASE,
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
  // A test server that can't be used fails the run in one line, not inside vitest's stack block.
  if (external)
    await assertTestRoleCanCreate(external).catch((error: Error) => {
      console.error(`\nerror: ${error.message}\n`);
      process.exit(1);
    });
  let startedHere = false;
  let serverUrl = external;
  if (!serverUrl) {
    const started = await startEmbeddedPostgres();
    startedHere = !started.reused;
    serverUrl = withDatabase(started.url, 'postgres');
  }

  await generateClientIfStale(checkoutSettings());
  await dropDatabasesWithPrefix(serverUrl, TEST_DATABASE_PREFIX);
  const templateUrl = withDatabase(serverUrl, TEMPLATE_DATABASE);
  // The real CLI creates the database (it does not exist yet) and applies every migration.
  await migrateDatabase(templateUrl, checkoutSettings().root);
  await migrateDemoTemplate(serverUrl);

  // The test server is a development server, embedded or not: commands the tests run in project
  // copies (which have no embedded cluster of their own) may write sample data and snapshots to it.
  process.env.KIT_DEV_SERVER_ID = await serverId(serverUrl);
  project.provide('testServerUrl', serverUrl);
  project.provide('templateUrl', templateUrl);

  return async () => {
    await dropDatabasesWithPrefix(serverUrl, TEST_DATABASE_PREFIX);
    // Leave a server we found running as it was; stop one we started.
    if (startedHere) await stopEmbeddedPostgres();
  };
}

/** Until a team changes its history, it is the demo's: then a clone gives the same database. */
async function migrateDemoTemplate(serverUrl: string): Promise<void> {
  const same =
    migrationFolders(migrationsDir).join() === demoMigrations.join() &&
    demoMigrations.every((name) => migrationSql(name, migrationsDir) === migrationSql(name, demoMigrationsDir));
  if (same) {
    await cloneDatabase(serverUrl, TEMPLATE_DATABASE, DEMO_TEMPLATE_DATABASE);
  } else {
    (await deployDemoMigrations(withDatabase(serverUrl, DEMO_TEMPLATE_DATABASE), demoMigrations)).remove();
  }
}
