/**
 * A fresh database for the calling test file, cloned from a migrated template
 * (`CREATE DATABASE … TEMPLATE`, tens of milliseconds), dropped when the file ends:
 * - the project's own history (prisma/migrations): tests of the team's schema, factories, seeds;
 * - the demo project's (`cloneDemoDatabase`, `useTestDatabase({ demo: true })`): tests of the
 *   kit's machinery, which must not depend on what the team's history holds.
 *
 *   const t = useTestDatabase();
 *   it('…', async () => { await userFactory.create(t.db); … });
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../../../src/db/client.ts';
import { cloneDatabase, dropDatabase } from '#kit/db/scratch-databases.ts';
import { DEMO_TEMPLATE_DATABASE, TEMPLATE_DATABASE, TEST_DATABASE_PREFIX } from './test-server.ts';

const newDatabaseName = () => `${TEST_DATABASE_PREFIX}${randomBytes(6).toString('hex')}`;

export function cloneTemplateDatabase(name = newDatabaseName()): Promise<string> {
  return cloneDatabase(inject('testServerUrl'), TEMPLATE_DATABASE, name);
}

export function cloneDemoDatabase(name = newDatabaseName()): Promise<string> {
  return cloneDatabase(inject('testServerUrl'), DEMO_TEMPLATE_DATABASE, name);
}

export interface TestDatabase {
  readonly url: string;
  readonly db: PrismaClient;
}

export function useTestDatabase(options: { demo?: boolean } = {}): TestDatabase {
  let url: string | undefined;
  let db: PrismaClient | undefined;
  beforeAll(async () => {
    url = await (options.demo ? cloneDemoDatabase() : cloneTemplateDatabase());
    db = createPrismaClient(url);
  });
  afterAll(async () => {
    await db?.$disconnect();
    if (url) await dropDatabase(url);
  });
  return {
    get url() {
      if (!url) throw new Error('useTestDatabase(): the database exists only inside tests and hooks');
      return url;
    },
    get db() {
      if (!db) throw new Error('useTestDatabase(): the database exists only inside tests and hooks');
      return db;
    },
  };
}
