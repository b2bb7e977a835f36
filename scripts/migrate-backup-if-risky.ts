/**
 * `npm run migrate:backup-if-risky`: the deploy step before `prisma migrate deploy`. When a
 * pending migration destroys or rewrites data (drops, type changes, deletes, updates), it runs
 * BACKUP_COMMAND (your platform's snapshot command) and stops the deploy if that fails or is not
 * set. BACKUP_COMMAND=skip deploys without a backup, on purpose.
 */
import { spawnSync } from 'node:child_process';
import { KitError } from '#kit/kit-error.ts';
import { requireDatabaseUrl } from '#kit/db/database-url.ts';
import { migrationSql } from '#kit/migrations/migration-folders.ts';
import { readMigrationHistory } from '#kit/migrations/migration-history.ts';
import { riskyStatements } from '#kit/migrations/risky-migrations.ts';
import { runCli } from '#kit/run-cli.ts';
import { loadSqlParsers } from '#kit/sql/parse-statements.ts';
import { childEnvironment, environment } from '#kit/environment.ts';

runCli(async (_argv, settings) => {
  const history = await readMigrationHistory(requireDatabaseUrl(), settings.migrations);
  if (history.applied.length === 0) {
    console.log(`fresh database (no migration applied yet): nothing to back up.`);
    return;
  }
  const parsers = await loadSqlParsers();
  const risky = history.pending
    .map((name) => ({ name, reasons: riskyStatements(parsers, migrationSql(name, settings.migrations)) }))
    .filter((migration) => migration.reasons.length > 0);
  if (risky.length === 0) {
    console.log(`${history.pending.length} pending migration(s), none destroys data: no backup needed.`);
    return;
  }
  for (const migration of risky) console.log(`risky: ${migration.name} (${migration.reasons.join('; ')})`);
  const command = environment().BACKUP_COMMAND;
  if (!command) {
    throw new KitError(
      `${risky.length} pending migration(s) destroy data and BACKUP_COMMAND is not set: set it to your platform's snapshot command, or to "skip" to deploy without a backup`,
    );
  }
  if (command === 'skip') {
    console.log('BACKUP_COMMAND=skip: deploying without a backup, as configured.');
    return;
  }
  console.log('backing up: BACKUP_COMMAND');
  const run = spawnSync('bash', ['-eo', 'pipefail', '-c', command], {
    stdio: 'inherit',
    env: childEnvironment({ RISKY_MIGRATIONS: risky.map((migration) => migration.name).join(' ') }),
  });
  if (run.status !== 0) throw new KitError(`BACKUP_COMMAND failed (exit ${run.status ?? run.signal}); not migrating`);
  console.log('backup done.');
});
