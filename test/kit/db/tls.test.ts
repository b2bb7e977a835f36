/**
 * `?sslmode=…`, the URL every managed host documents, against a real PostgreSQL with TLS on and a
 * self-signed certificate: an embedded cluster of a project copy's own, so the run's server is
 * untouched. The wasm stand-in (through the Prisma CLI), the kit's scripts and the app's client
 * get the same URL and read it as Prisma's native engine and libpq do (src/kit/db/tls-options.ts).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withPgClient } from '#kit/db/pg-client.ts';
import { runPrisma } from '#kit/prisma-cli.ts';
import { scriptCommand } from '#kit/script-command.ts';
import { copyProject } from '../support/project-copy.ts';
import { embeddedStateFile } from '#kit/embedded-db/server.ts';

const copy = copyProject('tls', { demo: true });
const env = () => {
  const next = { ...process.env };
  delete next.DATABASE_URL;
  delete next.EMBEDDED_POSTGRES_PORT;
  return next;
};
const script = (name: string, args: string[], url?: string) => {
  const run = spawnSync(...scriptCommand(name, args, copy.dir), {
    cwd: copy.dir,
    encoding: 'utf8',
    env: { ...env(), ...(url ? { DATABASE_URL: url } : {}) },
  });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
};
interface State {
  port: number;
  password: string;
  clusterDir: string;
  runAs?: { uid: number; gid: number };
}
let state: State;
let certificate: string;
const url = (database: string, query: string) =>
  `postgresql://postgres:${state.password}@127.0.0.1:${state.port}/${database}?${query}`;

beforeAll(async () => {
  expect(script('db', ['start']).code).toBe(0);
  // The app's client, for the dev seed (a copy has no src/generated of its own).
  const generate = await runPrisma(['generate'], { cwd: copy.dir });
  expect(generate.code, generate.stderr).toBe(0);
  state = JSON.parse(readFileSync(embeddedStateFile(join(copy.dir, '.data')), 'utf8')) as State;
  const pgData = join(state.clusterDir, 'pgdata');
  certificate = join(pgData, 'server.crt');
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
  await withPgClient(url('postgres', 'sslmode=disable'), async (client) => {
    await client.query('ALTER SYSTEM SET ssl = on');
    await client.query('SELECT pg_reload_conf()');
  });
}, 120_000);
afterAll(() => {
  script('db', ['stop']);
  copy.remove();
});

const encrypted = (target: string) =>
  withPgClient(
    target,
    async (client) =>
      (await client.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).rows[0].ssl as boolean,
  );

it('sslmode=require encrypts without checking the certificate, as libpq and the native engine do', async () => {
  expect(await encrypted(url('app', 'sslmode=require'))).toBe(true);
  expect(await encrypted(url('app', 'sslmode=disable'))).toBe(false);
});

it('verify-full checks the certificate: with its CA it connects, without it the connection is refused', async () => {
  expect(await encrypted(url('app', `sslmode=verify-full&sslrootcert=${certificate}`))).toBe(true);
  await expect(encrypted(url('app', 'sslmode=verify-full'))).rejects.toThrow(/self[- ]signed/i);
});

it('migrate deploy through the stand-in, the reference seed and the dev seed all run over TLS with sslmode=require', async () => {
  const target = url('app', 'sslmode=require');
  const deploy = await runPrisma(['migrate', 'deploy'], { cwd: copy.dir, url: target });
  expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
  expect(deploy.stdout + deploy.stderr).not.toMatch(/SECURITY WARNING|Could not parse schema engine response/);
  const status = await runPrisma(['migrate', 'status'], { cwd: copy.dir, url: target });
  expect(status.code, status.stdout + status.stderr).toBe(0);
  const reference = script('seed-reference', [], target);
  expect(reference.code, reference.out).toBe(0);
  // The dev seed goes through the app's own client (adapter-pg), on the kit's embedded server.
  const dev = script('seed-dev', ['--users', '2'], target);
  expect(dev.code, dev.out).toBe(0);
  expect(dev.out).not.toMatch(/DEPTH_ZERO_SELF_SIGNED_CERT|SECURITY WARNING/);
});

it('an sslmode PostgreSQL does not know gets one line', () => {
  const run = script('seed-reference', [], url('app', 'sslmode=always'));
  expect(run.code).toBe(1);
  expect(run.out.trim()).toBe(
    "error: The database URL's sslmode=always is not one PostgreSQL knows: use disable, prefer, require, verify-ca or verify-full.",
  );
});
