/**
 * `npm run db:roles [-- --migrator app_migrator --app app_runtime]`
 * As an admin on DATABASE_URL's database: creates (or updates) the migrator and app roles and
 * their grants. Passwords come from MIGRATOR_DB_PASSWORD and APP_DB_PASSWORD, never arguments.
 * Then: migrations run with the migrator's URL (secret MIGRATION_DATABASE_URL), the app with the
 * app role's.
 */
import { KitError } from '#kit/kit-error.ts';
import { redactUrl } from '#kit/db/connection-url.ts';
import { requireDatabaseUrl } from '#kit/db/database-url.ts';
import { setUpRoles } from '#kit/db/roles.ts';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { runCli } from '#kit/run-cli.ts';
import { environment } from '#kit/environment.ts';

const USAGE = 'Usage: MIGRATOR_DB_PASSWORD=… APP_DB_PASSWORD=… npm run db:roles [-- --migrator <role> --app <role>]';

runCli(async (argv) => {
  const { values } = parseCliArgs(
    {
      args: argv,
      options: {
        migrator: { type: 'string', default: 'app_migrator' },
        app: { type: 'string', default: 'app_runtime' },
      },
    },
    USAGE,
  );
  const { MIGRATOR_DB_PASSWORD: migratorPassword, APP_DB_PASSWORD: appPassword } = environment();
  if (!migratorPassword || !appPassword)
    throw new KitError('Set MIGRATOR_DB_PASSWORD and APP_DB_PASSWORD', { fix: USAGE });
  const url = requireDatabaseUrl();
  const warnings = await setUpRoles(
    url,
    { migrator: values.migrator, app: values.app },
    { migrator: migratorPassword, app: appPassword },
  );
  const as = (role: string) => {
    const next = new URL(url);
    next.username = role;
    next.password = 'secret';
    return redactUrl(next.toString());
  };
  console.log(`roles ready on ${redactUrl(url)}:`);
  console.log(`  migrations: ${as(values.migrator)}  (owner of the schema; lock_timeout 5s)`);
  console.log(`  the app:    ${as(values.app)}  (rows only: no DDL)`);
  for (const warning of warnings) console.log(`warning: ${warning}`);
});
