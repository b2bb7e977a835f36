/**
 * `npm run migrate:down -- <migration> [--force]`
 * Writes prisma/migrations/<migration>/down.sql with `prisma migrate diff` (schema after →
 * schema before), for a rehearsed `npm run migrate:rollback`. Review it before you rely on it.
 */
import { relative } from 'node:path';
import { CliError } from '#kit/cli-error.ts';
import { requireDatabaseUrl } from '#kit/db/database-url.ts';
import { writeDownMigration } from '#kit/migrations/down-migration.ts';
import { projectRoot } from '#kit/project-paths.ts';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { runCli } from '#kit/run-cli.ts';

const USAGE = 'Usage: npm run migrate:down -- <migration folder name> [--force]';

runCli(async (argv) => {
  const parsed = parseCliArgs(
    { args: argv, allowPositionals: true, options: { force: { type: 'boolean', default: false } } },
    USAGE,
  );
  const migration = parsed.positionals[0];
  if (!migration || parsed.positionals.length > 1) throw new CliError(`Name one migration. ${USAGE}`);
  // The diff replays migrations in shadow databases on this server.
  const { path, review } = await writeDownMigration(requireDatabaseUrl(), migration, { force: parsed.values.force });
  console.log(`wrote ${relative(projectRoot, path)}`);
  if (review)
    console.log(
      'review: the migration creates functions, triggers or changes data; add their undo to down.sql by hand',
    );
});
