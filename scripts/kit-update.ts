/**
 * `npm run kit -- update <git ref>`: takes the kit at <ref> (e.g. kit/main after `git fetch kit`)
 * into this project. docs/managing-updates.md.
 */
import { KitError } from '#kit/kit-error.ts';
import { updateKit } from '#kit/kit-update/update-kit.ts';
import { runCli } from '#kit/run-cli.ts';

const USAGE = 'Usage: npm run kit -- update <git ref of the newer kit, e.g. kit/main>';

runCli(async (argv, { root }) => {
  if (argv.length !== 1 || argv[0]!.startsWith('-')) throw new KitError('Name one git ref', { fix: USAGE });
  for (const line of updateKit(root, argv[0]!)) console.log(line);
});
