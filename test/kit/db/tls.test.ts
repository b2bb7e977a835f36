/**
 * `?sslmode=…`, the URL every managed host documents, against a real PostgreSQL with TLS on and a
 * self-signed certificate (test/kit/support/tls-server.ts). The wasm stand-in (through the Prisma
 * CLI), the kit's scripts and the app's client get the same URL and read it as Prisma's native
 * engine and libpq do (src/kit/db/pg-connection-options.ts).
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withPgClient } from '#kit/db/pg-client.ts';
import { runPrisma } from '#kit/prisma-cli.ts';
import { scriptCommand } from '#kit/script-command.ts';
import { startTlsServer, type TlsServer } from '../support/tls-server.ts';

let server: TlsServer;
let certificate: string;
const url = (database: string, query: string) => server.url(database, query);
const script = (name: string, args: string[], target?: string) => {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const run = spawnSync(...scriptCommand(name, args, server.dir), {
    cwd: server.dir,
    encoding: 'utf8',
    env: { ...env, ...(target ? { DATABASE_URL: target } : {}) },
  });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
};

beforeAll(async () => {
  server = await startTlsServer('tls');
  certificate = server.certificate;
  // The app's client, for the dev seed (a copy has no src/generated of its own).
  const generate = await runPrisma(['generate'], { cwd: server.dir });
  expect(generate.code, generate.stderr).toBe(0);
}, 120_000);
afterAll(() => server.stop());

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
  const deploy = await runPrisma(['migrate', 'deploy'], { cwd: server.dir, url: target });
  expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
  expect(deploy.stdout + deploy.stderr).not.toMatch(/SECURITY WARNING|Could not parse schema engine response/);
  const status = await runPrisma(['migrate', 'status'], { cwd: server.dir, url: target });
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
