/**
 * The project's settings: where its schema, migrations, reference data, backfill jobs and
 * workflows live, and where the kit keeps its local state. Resolved once per command (run-cli.ts)
 * and passed into the library functions that need them, the way graphile-migrate passes its
 * parsed settings to every command: a library function can then be pointed at a folder of a
 * test's own, where a module-level path constant forced the test to copy the whole checkout.
 *
 * The layout is declared here once. prisma.config.ts takes Prisma's two paths (the schema and
 * the migrations) from it, so Prisma and the kit can't disagree; test/kit/config/settings.test.ts
 * runs the real `prisma migrate status` to hold the two together. The kit doesn't read
 * prisma.config.ts back at run time: loading it picks the schema engine and the database, and
 * Prisma's config loader would slow every command down (docs/benchmarks/settings-load.md).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Each path relative to the project root. Prisma's conventions, then the kit's. */
export const PROJECT_LAYOUT = {
  schema: 'prisma/schema.prisma',
  migrations: 'prisma/migrations',
  /** Where `prisma generate` writes the client (the generator's `output` in the schema). */
  generatedClient: 'src/generated/prisma',
  /** The reference data and its checksums (src/kit/seeding/). */
  reference: 'prisma/reference',
  /** The team's backfill jobs (the runner is src/kit/backfill/). */
  backfills: 'src/backfills',
  /** The GitHub Actions workflows (ci:local runs them; the test matrix is held to ci.yml's). */
  workflows: '.github/workflows',
  /** Local state, git-ignored: the embedded server, bundles, scratch folders. */
  data: '.data',
} as const;

/** Absolute paths, one per entry of the layout, and the root they are under. */
export type KitSettings = Record<keyof typeof PROJECT_LAYOUT, string> & { root: string };

export function settingsFor(root: string): KitSettings {
  const paths = Object.entries(PROJECT_LAYOUT).map(([name, path]) => [name, join(root, path)]);
  return { root, ...(Object.fromEntries(paths) as Record<keyof typeof PROJECT_LAYOUT, string>) };
}

/**
 * The settings of the checkout the running kit belongs to: the nearest folder above this module
 * with a package.json. Found, not fixed at `..`: the schema-engine stand-in runs this module from
 * a bundle under .data/build/. Only the command layer and the checkout's own installation (its
 * embedded server, its `.env`, the engine and linter binaries it runs), which the app and
 * prisma.config.ts reach without a command, ask for these; library functions are given their
 * settings (test/kit/config/settings.test.ts lists the askers).
 */
export function checkoutSettings(): KitSettings {
  checkout ??= settingsFor(findProjectRoot(dirname(fileURLToPath(import.meta.url))));
  return checkout;
}

let checkout: KitSettings | undefined;

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
