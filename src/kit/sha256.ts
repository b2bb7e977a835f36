/**
 * SHA-256 as hex, the one way the kit fingerprints content: a migration file (Prisma's own
 * checksum in `_prisma_migrations`), a reference data file (its reviewed stamp), the schema and
 * Prisma version a generated client came from, a project's path (its outside cluster's name).
 */
import { createHash } from 'node:crypto';

export function sha256Hex(...parts: Array<string | Buffer>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}
