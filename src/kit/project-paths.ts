/** Where the kit keeps its files. Everything under `.data/` is local state and git-ignored. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The nearest folder above this module with a package.json. Found, not fixed at `..`: the
 * schema-engine stand-in runs this module from a bundle under .data/build/.
 */
function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const projectRoot = findProjectRoot(dirname(fileURLToPath(import.meta.url)));
export const dataDir = join(projectRoot, '.data');
export const prismaDir = join(projectRoot, 'prisma');
export const schemaPath = join(prismaDir, 'schema.prisma');
export const migrationsDir = join(prismaDir, 'migrations');
/** The team's backfill jobs (the runner is src/kit/backfill/). */
export const backfillsDir = join(projectRoot, 'src', 'backfills');
export const prismaCli = join(projectRoot, 'node_modules', 'prisma', 'build', 'index.js');
/** The GitHub Actions workflows (ci:local runs them; the test matrix is held to ci.yml's). */
export const workflowsDir = join(projectRoot, '.github', 'workflows');
/** The wasm schema engine the prisma CLI package ships, built from the engines commit it pins. */
export const cliSchemaEngineWasm = join(projectRoot, 'node_modules', 'prisma', 'build', 'schema_engine_bg.wasm');
