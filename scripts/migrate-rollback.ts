/**
 * `npm run migrate:rollback [-- <migration>]`
 * Rolls back the newest applied migration with its down.sql and records it as rolled back.
 * Refuses when down.sql is missing or the named migration is not the newest applied.
 */
import { CliError } from '#kit/cli-error.ts';
import { requireDatabaseUrl } from '#kit/db/database-url.ts';
import { rollbackNewestMigration } from '#kit/migrations/rollback.ts';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { runCli } from '#kit/run-cli.ts';

const USAGE = 'Usage: npm run migrate:rollback [-- <newest applied migration>]';

runCli(async (argv) => {
  const parsed = parseCliArgs({ args: argv, allowPositionals: true, options: {} }, USAGE);
  if (parsed.positionals.length > 1) throw new CliError(`Name at most one migration. ${USAGE}`);
  const name = await rollbackNewestMigration(requireDatabaseUrl(), parsed.positionals[0]);
  console.log(`rolled back ${name}: its down.sql ran and Migrate records it as rolled back.`);
  console.log('next: remove or fix the migration folder, or run npx prisma migrate deploy to apply it again.');
});
