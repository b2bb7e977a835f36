/**
 * A fresh database for the calling test file, cloned from the migrated template
 * (`CREATE DATABASE … TEMPLATE`, tens of milliseconds), dropped when the file ends.
 *
 *   const t = useTestDatabase();
 *   it('…', async () => { await userFactory.create(t.db); … });
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../../src/db/client.ts';
import { cloneDatabase, dropDatabase } from '../../src/db/scratch-databases.ts';
import { TEMPLATE_DATABASE, TEST_DATABASE_PREFIX } from './test-server.ts';

export function cloneTemplateDatabase(
  name = `${TEST_DATABASE_PREFIX}${randomBytes(6).toString('hex')}`,
): Promise<string> {
  return cloneDatabase(inject('testServerUrl'), TEMPLATE_DATABASE, name);
}

export interface TestDatabase {
  readonly url: string;
  readonly db: PrismaClient;
}

export function useTestDatabase(): TestDatabase {
  let url: string | undefined;
  let db: PrismaClient | undefined;
  beforeAll(async () => {
    url = await cloneTemplateDatabase();
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
