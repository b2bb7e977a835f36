/**
 * `npm run kit -- init [--name <package name>]`
 * Makes a fresh clone of the kit the team's project: squashes the demo migrations into one
 * baseline, removes the demo backfill jobs, renames the package (default: the folder's name).
 * Asks nothing; a second run does nothing.
 */
import { basename } from 'node:path';
import { ensureDatabase } from '#kit/db/database-url.ts';
import { initProject } from '#kit/project-init/init-project.ts';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { runCli } from '#kit/run-cli.ts';

const USAGE = 'Usage: npm run kit -- init [--name <package name>]';

/** "My Service" → "my-service": npm names are lowercase, without spaces. */
const packageNameFrom = (folder: string) =>
  folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-._]+|-+$/g, '');

runCli(async (argv, { root }) => {
  const { values } = parseCliArgs({ args: argv, options: { name: { type: 'string' } } }, USAGE);
  // The wasm schema engine needs a server even for a diff from nothing: the embedded one will do.
  const { url } = await ensureDatabase();
  const name = values.name ?? packageNameFrom(basename(root));
  const lines = await initProject({ root, name, databaseUrl: url });
  for (const line of lines) console.log(line);
});
