/**
 * The app's Prisma Client: the generated client over @prisma/adapter-pg (Prisma 7 needs no
 * native query engine). Every caller gets its URL from src/kit/db/database-url.ts unless it passes one.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { requireDatabaseUrl } from '#kit/db/database-url.ts';
import { pgConnectionOptions } from '#kit/db/tls-options.ts';

export type { PrismaClient };

export function createPrismaClient(url: string = requireDatabaseUrl()): PrismaClient {
  // The URL's sslmode read as Prisma's native engine reads it (src/kit/db/tls-options.ts).
  return new PrismaClient({ adapter: new PrismaPg(pgConnectionOptions(url)) });
}
