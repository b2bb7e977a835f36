/**
 * `npm run db:snapshot -- <name>` | `-- --list` | `-- --delete <name>`, and `npm run db:restore -- <name>`
 * Copies the local dev database with CREATE DATABASE … TEMPLATE, and puts a copy back.
 */
import { KitError } from '#kit/kit-error.ts';
import { databaseName } from '#kit/db/connection-url.ts';
import { requireDatabaseUrl } from '#kit/db/database-url.ts';
import { deleteSnapshot, listSnapshots, restoreSnapshot, takeSnapshot } from '#kit/db/snapshots.ts';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { runCli } from '#kit/run-cli.ts';

const USAGE = 'Usage: npm run db:snapshot -- <name> | --list | --delete <name>; npm run db:restore -- <name>';

runCli(async (argv) => {
  const parsed = parseCliArgs(
    {
      args: argv,
      allowPositionals: true,
      options: { list: { type: 'boolean', default: false }, delete: { type: 'string' } },
    },
    USAGE,
  );
  const [mode, name, extra] = parsed.positionals;
  if (extra !== undefined) throw new KitError(`Unexpected argument "${extra}"`, { fix: USAGE });
  const url = requireDatabaseUrl();
  const database = databaseName(url);
  const started = performance.now();
  const took = () => `${Math.round(performance.now() - started)} ms`;
  const ended = (sessions: number) => (sessions > 0 ? `; ended ${sessions} other session(s) on it` : '');

  if (mode === 'restore') {
    const { endedSessions } = await restoreSnapshot(url, name);
    console.log(`restored ${database} from snapshot "${name}" (${took()}${ended(endedSessions)}).`);
  } else if (parsed.values.list) {
    const snapshots = await listSnapshots(url);
    if (snapshots.length === 0) console.log(`no snapshots of ${database}.`);
    for (const snapshot of snapshots)
      console.log(`${snapshot.name.padEnd(24)} ${snapshot.size.padStart(8)}  taken ${snapshot.takenAt}`);
  } else if (parsed.values.delete !== undefined) {
    const deleted = await deleteSnapshot(url, parsed.values.delete);
    console.log(`deleted snapshot "${parsed.values.delete}" (${deleted.size}${ended(deleted.endedSessions)}).`);
  } else {
    const { endedSessions } = await takeSnapshot(url, name);
    console.log(
      `snapshot "${name}" of ${database} taken (${took()}${ended(endedSessions)}). Undo later changes with: npm run db:restore -- ${name}`,
    );
  }
});
