/**
 * The app's Prisma Client: the generated client over @prisma/adapter-pg (Prisma 7 needs no
 * native query engine). Every caller gets its URL from src/kit/db/database-url.ts unless it passes one.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { requireDatabaseUrl } from '#kit/db/database-url.ts';
import { pgConnectionOptions, urlSchema } from '#kit/db/pg-connection-options.ts';

export type { PrismaClient };

export function createPrismaClient(url: string = requireDatabaseUrl()): PrismaClient {
  // The URL's sslmode read as Prisma's native engine reads it (src/kit/db/pg-connection-options.ts).
  // `?schema=` in the URL: the client's queries name that schema, as the migrations' tables do.
  return new PrismaClient({ adapter: new PrismaPg(pgConnectionOptions(url), { schema: urlSchema(url) }) });
}
