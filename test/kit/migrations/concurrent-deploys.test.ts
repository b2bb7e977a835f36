/**
 * Two deploys racing: two `prisma migrate deploy` started together against the same database
 * both finish without error, and every migration is applied exactly once.
 */
import { afterAll, expect, it, inject } from 'vitest';
import { withDatabase } from '#kit/db/connection-url.ts';
import { withPgClient } from '#kit/db/pg-client.ts';
import { TEST_DATABASE_PREFIX } from '../setup/test-server.ts';
import { demoMigrations } from '../support/demo-project.ts';
import { createScratchProject } from '../support/scratch-project.ts';

const project = createScratchProject('concurrent-deploys');
afterAll(() => project.remove());

it('two migrate deploy at once: both succeed, each migration applied once', async () => {
  for (const migration of demoMigrations) project.copyDemoMigration(migration);
  const url = withDatabase(inject('testServerUrl'), `${TEST_DATABASE_PREFIX}concurrent_deploys_${process.pid}`);
  await withPgClient(withDatabase(url, 'postgres'), (client) =>
    client.query(
      `CREATE DATABASE ${client.escapeIdentifier(`${TEST_DATABASE_PREFIX}concurrent_deploys_${process.pid}`)}`,
    ),
  );

  const [first, second] = await Promise.all([
    project.prisma(url, 'migrate', 'deploy'),
    project.prisma(url, 'migrate', 'deploy'),
  ]);
  expect(first.code, first.stdout + first.stderr).toBe(0);
  expect(second.code, second.stdout + second.stderr).toBe(0);

  const applied = await withPgClient(
    url,
    async (client) =>
      (
        await client.query(
          `SELECT migration_name, count(*)::int AS times FROM _prisma_migrations WHERE finished_at IS NOT NULL GROUP BY 1 ORDER BY 1`,
        )
      ).rows,
  );
  expect(applied).toEqual(demoMigrations.map((migration_name) => ({ migration_name, times: 1 })));
});
