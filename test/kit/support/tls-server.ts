/**
 * A PostgreSQL with TLS on and a self-signed certificate, as a managed host serves one: the
 * embedded cluster of a project copy of its own (so the run's server is untouched), of the major
 * the run uses (EMBEDDED_POSTGRES_MAJOR). Its superuser plays the hosting provider.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { withPgClient } from '#kit/db/pg-client.ts';
import { embeddedStateFile } from '#kit/embedded-db/server.ts';
import { scriptCommand } from '#kit/script-command.ts';
import { copyProject } from './project-copy.ts';

export interface TlsServer {
  /** The host copy's folder (its embedded server is the TLS server). */
  dir: string;
  /** The server's certificate, its own CA: what `sslrootcert` names. */
  certificate: string;
  /** A URL on it as `user` (the provider's superuser by default). */
  url(database: string, query: string, user?: { name: string; password: string }): string;
  stop(): void;
}

function db(dir: string, command: string) {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.EMBEDDED_POSTGRES_PORT;
  return spawnSync(...scriptCommand('db', [command], dir), { cwd: dir, encoding: 'utf8', env });
}

export async function startTlsServer(name: string): Promise<TlsServer> {
  const copy = copyProject(name, { demo: true });
  const started = db(copy.dir, 'start');
  expect(started.status, started.stdout + started.stderr).toBe(0);
  const state = JSON.parse(readFileSync(embeddedStateFile(join(copy.dir, '.data')), 'utf8')) as {
    port: number;
    password: string;
    clusterDir: string;
    runAs?: { uid: number; gid: number };
  };
  const pgData = join(state.clusterDir, 'pgdata');
  const certificate = join(pgData, 'server.crt');
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      join(pgData, 'server.key'),
      '-out',
      certificate,
    ],
    { encoding: 'utf8' },
  );
  expect(made.status, made.stderr).toBe(0);
  chmodSync(join(pgData, 'server.key'), 0o600);
  if (state.runAs)
    for (const file of ['server.key', 'server.crt']) chownSync(join(pgData, file), state.runAs.uid, state.runAs.gid);
  const url = (database: string, query: string, user = { name: 'postgres', password: state.password }) =>
    `postgresql://${user.name}:${encodeURIComponent(user.password)}@127.0.0.1:${state.port}/${database}?${query}`;
  await withPgClient(url('postgres', 'sslmode=disable'), async (client) => {
    await client.query('ALTER SYSTEM SET ssl = on');
    await client.query('SELECT pg_reload_conf()');
  });
  return {
    dir: copy.dir,
    certificate,
    url,
    stop: () => {
      db(copy.dir, 'stop');
      copy.remove();
    },
  };
}
