/**
 * The app's Prisma Client: the generated client over @prisma/adapter-pg (Prisma 7 needs no
 * native query engine). Every caller gets its URL from src/kit/db/database-url.ts unless it passes one.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { requireDatabaseUrl } from '#kit/db/database-url.ts';

export type { PrismaClient };

export function createPrismaClient(url: string = requireDatabaseUrl()): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
}
