/**
 * What Migrate has recorded in `_prisma_migrations`, next to the migration folders on disk:
 * which migrations are applied, which one failed, which are still pending. The deploy scripts
 * (backup, recover, rollback) read it; Prisma's own commands do the writing.
 */
import { withPgClient } from '../db/pg-client.ts';
import { migrationFolders } from './migration-folders.ts';

export interface MigrationRecord {
  name: string;
  startedAt: Date;
  finishedAt: Date | null;
  rolledBackAt: Date | null;
  logs: string | null;
}

export interface MigrationHistory {
  /** Applied and not rolled back, in the order they were applied. */
  applied: MigrationRecord[];
  /** Started, not finished, not rolled back: what `migrate deploy` refuses to go past. */
  failed: MigrationRecord[];
  /** Folders on disk that are not applied (and not failed), oldest first. */
  pending: string[];
}

export async function readMigrationHistory(url: string, dir: string): Promise<MigrationHistory> {
  const records = await withPgClient(url, async (client) => {
    const exists = await client.query(`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present`);
    if (!exists.rows[0].present) return [];
    const result = await client.query(
      `SELECT migration_name AS name, started_at AS "startedAt", finished_at AS "finishedAt", rolled_back_at AS "rolledBackAt", logs
       FROM _prisma_migrations ORDER BY started_at, migration_name`,
    );
    return result.rows as MigrationRecord[];
  }).catch((error: { code?: string }) => {
    // A database that doesn't exist yet has no history; `prisma migrate deploy` creates it.
    if (error.code === '3D000') return [] as MigrationRecord[];
    throw error;
  });
  const live = records.filter((record) => !record.rolledBackAt);
  const applied = live.filter((record) => record.finishedAt);
  const failed = live.filter((record) => !record.finishedAt);
  const known = new Set(live.map((record) => record.name));
  return { applied, failed, pending: migrationFolders(dir).filter((name) => !known.has(name)) };
}
