/**
 * `npm run migrate:rollback`: the rehearsed way back from the newest migration. Applies its
 * reviewed down.sql with `prisma db execute`, then records the migration as rolled back, so the
 * next `prisma migrate deploy` applies it again. Fix-forward stays the default
 * (docs/migrations/rollback-and-recovery.md); this is for the case a team has practised.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { RollbackError } from './rollback-error.ts';
import { withPgClient } from '../db/pg-client.ts';
import { prismaFailureLine, runPrisma } from '../prisma-cli.ts';
import type { KitSettings } from '../settings.ts';
import { downPath } from './down-migration.ts';
import { readMigrationHistory } from './migration-history.ts';

export async function rollbackNewestMigration(
  url: string,
  requested: string | undefined,
  settings: Pick<KitSettings, 'root' | 'migrations'>,
): Promise<string> {
  const history = await readMigrationHistory(url, settings.migrations);
  if (history.failed.length > 0) {
    throw new RollbackError(
      `Migration ${history.failed[0]!.name} failed and is unresolved; run npm run migrate:recover first`,
    );
  }
  const newest = [...history.applied].sort((a, b) => a.name.localeCompare(b.name)).at(-1);
  if (!newest) throw new RollbackError('No applied migration to roll back');
  if (requested && requested !== newest.name) {
    throw new RollbackError(
      `${requested} is not the newest applied migration (${newest.name} is); roll back one at a time, newest first`,
    );
  }
  const down = downPath(settings.migrations, newest.name);
  if (!existsSync(down)) {
    throw new RollbackError(
      `${newest.name} has no down.sql: write one with npm run migrate:rollback -- --write ${newest.name} and review it, or fix forward with a new migration`,
    );
  }

  const execute = await runPrisma(['db', 'execute', '--file', down], {
    cwd: settings.root,
    url,
    env: { KIT_QUIET_ENGINE_LINE: '1' },
  });
  if (execute.code !== 0) {
    throw new RollbackError(
      `${relative(settings.root, down)} failed, and its transaction rolled back, so nothing changed: ${prismaFailureLine(execute)}`,
    );
  }
  // `prisma migrate resolve --rolled-back` accepts only a failed migration (P3012 otherwise).
  // Mark the record unfinished first, then let Prisma record the rollback its own way.
  await withPgClient(url, (client) =>
    client.query(
      `UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = $1 AND rolled_back_at IS NULL`,
      [newest.name],
    ),
  );
  const resolve = await runPrisma(['migrate', 'resolve', '--rolled-back', newest.name], {
    cwd: settings.root,
    url,
    env: { KIT_QUIET_ENGINE_LINE: '1' },
  });
  if (resolve.code !== 0) {
    throw new RollbackError(
      `down.sql ran, but marking ${newest.name} rolled back failed: ${prismaFailureLine(resolve)}`,
      { fix: `Run npx prisma migrate resolve --rolled-back ${newest.name}.` },
    );
  }
  return newest.name;
}
