/**
 * `npm run db:start | db:stop | db:status | db:url`: the embedded PostgreSQL that the kit uses
 * when no DATABASE_URL is set. Start returns once the server accepts connections; it keeps running.
 * `db:url` prints the real URL, password included, for psql or a GUI: the one command that does.
 */
import { redactUrl } from '#kit/db/connection-url.ts';
import {
  embeddedPostgresStatus,
  embeddedUrl,
  startEmbeddedPostgres,
  stopEmbeddedPostgres,
} from '#kit/embedded-db/server.ts';
import { embeddedMajor } from '#kit/embedded-db/postgres-major.ts';
import { configuredDatabaseUrl, requireDatabaseUrl } from '#kit/db/database-url.ts';
import { KitError } from '#kit/kit-error.ts';
import { runCli } from '#kit/run-cli.ts';

runCli(async (args) => {
  const command = args[0];
  const external = configuredDatabaseUrl();
  if (command === 'url') {
    const url = requireDatabaseUrl();
    if (!external && !(await embeddedPostgresStatus()).running)
      throw new KitError('The embedded PostgreSQL is not running: npm run db:start, then npm run db:url');
    console.log(url);
    return;
  }
  if (external && command !== 'status') {
    console.log(
      `DATABASE_URL is set (${redactUrl(external)}): the embedded server is not used, nothing to ${command}.`,
    );
    return;
  }
  switch (command) {
    case 'start': {
      const started = await startEmbeddedPostgres();
      if (started.note) console.log(`note: ${started.note}`);
      console.log(
        `embedded PostgreSQL ${started.reused ? 'already running' : 'started'} (PostgreSQL ${embeddedMajor()}): ${redactUrl(started.url)}`,
      );
      return;
    }
    case 'stop': {
      const result = await stopEmbeddedPostgres();
      console.log(result === 'stopped' ? 'embedded PostgreSQL stopped' : 'embedded PostgreSQL is not running');
      return;
    }
    case 'status': {
      if (external) {
        console.log(`using DATABASE_URL: ${redactUrl(external)} (the embedded server is not used)`);
        return;
      }
      const { running, state } = await embeddedPostgresStatus();
      if (running && state)
        console.log(
          `embedded PostgreSQL ${embeddedMajor()} running: ${redactUrl(embeddedUrl(state))} (data in ${state.clusterDir})`,
        );
      else console.log('embedded PostgreSQL is not running; start it with: npm run db:start');
      process.exitCode = running ? 0 : 3;
      return;
    }
    default:
      throw new KitError(`Unknown command "${command ?? ''}"`, { fix: 'Use one of: start, stop, status, url.' });
  }
});
