/**
 * `npm run migrate:new -- <pattern> <name> --table <t> [--column c] [--columns a,b] [--to c]
 *   [--type t] [--default expr] [--unique] [--backfill job]`
 * Writes the migration folders of a zero-downtime pattern into prisma/migrations.
 */
import { KitError } from '#kit/kit-error.ts';
import { scaffoldMigration } from '#kit/migration-scaffold/scaffold-migration.ts';
import { PATTERNS } from '#kit/migration-scaffold/templates.ts';
import { join, relative } from 'node:path';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { runCli } from '#kit/run-cli.ts';

const USAGE =
  'Usage: npm run migrate:new -- <pattern> <name> --table <table> [options]; `npm run migrate:new -- --help` lists patterns';

function help(): void {
  console.log(`${USAGE.split(';')[0]}\n\nPatterns:`);
  for (const [name, pattern] of Object.entries(PATTERNS)) {
    const options = pattern.requires.map((option) => `--${option}`).join(' ');
    console.log(`  ${name.padEnd(17)} ${pattern.summary}${options ? ` (needs ${options})` : ''}`);
  }
  console.log(
    '\nOptions: --column c, --columns a,b, --to new_name, --type text, --default "\'x\'", --unique, --backfill job',
  );
}

runCli(async (argv, settings) => {
  const parsed = parseCliArgs(
    {
      args: argv,
      allowPositionals: true,
      options: {
        table: { type: 'string' },
        column: { type: 'string' },
        columns: { type: 'string' },
        to: { type: 'string' },
        type: { type: 'string' },
        default: { type: 'string' },
        unique: { type: 'boolean' },
        backfill: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    },
    USAGE,
  );
  const { values, positionals } = parsed;
  if (values.help) return help();
  if (positionals.length > 2) throw new KitError(`Unexpected argument "${positionals[2]}"`, { fix: USAGE });
  const result = scaffoldMigration({
    pattern: positionals[0],
    name: positionals[1],
    args: { ...values, columns: values.columns?.split(',').map((column) => column.trim()) },
    migrationsDir: settings.migrations,
    backfillsDir: settings.backfills,
  });
  const created = (path: string) => console.log(`created ${relative(settings.root, path)}`);
  for (const folder of result.folders) created(join(settings.migrations, folder, 'migration.sql'));
  for (const file of result.files) created(file);
  for (const line of result.next) console.log(`next: ${line}`);
  console.log(
    `then: npm run migrate:lint, and npx prisma migrate dev to apply (after any backfill above). Recipe: ${result.playbook}`,
  );
});
