/**
 * `npm run migrate:rollback [-- <migration>]`
 * Rolls back the newest applied migration with its down.sql and records it as rolled back.
 * Refuses when down.sql is missing or the named migration is not the newest applied.
 *
 * `npm run migrate:rollback -- --write <migration> [--force]`
 * Writes prisma/migrations/<migration>/down.sql with `prisma migrate diff` (schema after →
 * schema before), to review and rehearse before you rely on it. Migrates nothing.
 */
import { relative } from 'node:path';
import { KitError } from '#kit/kit-error.ts';
import { requireDatabaseUrl } from '#kit/db/database-url.ts';
import { writeDownMigration } from '#kit/migrations/down-migration.ts';
import { rollbackNewestMigration } from '#kit/migrations/rollback.ts';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { runCli } from '#kit/run-cli.ts';

const USAGE =
  'Usage: npm run migrate:rollback [-- <newest applied migration>], or npm run migrate:rollback -- --write <migration folder name> [--force]';

runCli(async (argv, settings) => {
  const parsed = parseCliArgs(
    {
      args: argv,
      allowPositionals: true,
      options: { write: { type: 'boolean', default: false }, force: { type: 'boolean', default: false } },
    },
    USAGE,
  );
  if (parsed.values.write) {
    const migration = parsed.positionals[0];
    if (!migration || parsed.positionals.length > 1) throw new KitError('Name one migration', { fix: USAGE });
    // The diff replays migrations in shadow databases on this server.
    const { path, review } = await writeDownMigration(
      requireDatabaseUrl(),
      migration,
      {
        force: parsed.values.force,
      },
      settings,
    );
    console.log(`wrote ${relative(settings.root, path)}`);
    if (review)
      console.log(
        'review: the migration creates functions, triggers or changes data; add their undo to down.sql by hand',
      );
    return;
  }
  if (parsed.values.force) throw new KitError('--force goes with --write', { fix: USAGE });
  if (parsed.positionals.length > 1) throw new KitError('Name at most one migration', { fix: USAGE });
  const name = await rollbackNewestMigration(requireDatabaseUrl(), parsed.positionals[0], settings);
  console.log(`rolled back ${name}: its down.sql ran and Migrate records it as rolled back.`);
  console.log('next: remove or fix the migration folder, or run npx prisma migrate deploy to apply it again.');
});
