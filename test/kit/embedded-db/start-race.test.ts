/**
 * Starting the embedded server from several processes at once (`npm run setup` while an editor's
 * Vitest starts it, two `db:start`s): one starts it, the others wait and reuse it. And when a
 * start does fail, deleting the data is advised only when PostgreSQL says its files are
 * unreadable, quoting its own FATAL line. In a copy of the checkout with a cluster of its own.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { scriptCommand } from '#kit/script-command.ts';
import { copyProject } from '../support/project-copy.ts';
import { embeddedStateFile } from '#kit/embedded-db/server.ts';

const copy = copyProject('start-race');
const env = () => {
  const next = { ...process.env };
  delete next.DATABASE_URL;
  delete next.EMBEDDED_POSTGRES_PORT;
  return next;
};
const db = (command: string) => {
  const run = spawnSync(...scriptCommand('db', [command], copy.dir), { cwd: copy.dir, encoding: 'utf8', env: env() });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
};
const dbAsync = (command: string) =>
  new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(...scriptCommand('db', [command], copy.dir), { cwd: copy.dir, env: env() });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
afterAll(() => {
  db('stop');
  copy.remove();
});
/** The copy's cluster: under its .data, or elsewhere when the server's OS user can't enter that folder. */
const pgData = () =>
  join(
    (JSON.parse(readFileSync(embeddedStateFile(join(copy.dir, '.data')), 'utf8')) as { clusterDir: string }).clusterDir,
    'pgdata',
  );

it('three starts at once: one starts the server, the others reuse it', async () => {
  const starts = await Promise.all([dbAsync('start'), dbAsync('start'), dbAsync('start')]);
  for (const start of starts) expect(start.code, start.out).toBe(0);
  const verbs = starts.map((start) => /embedded PostgreSQL (started|already running)/.exec(start.out)?.[1]).sort();
  expect(verbs).toEqual(['already running', 'already running', 'started']);
  expect(db('status').code).toBe(0);
});

it('a failed start quotes PostgreSQL, and advises deleting the data only when PostgreSQL says it is unreadable', () => {
  expect(db('stop').code).toBe(0);
  const autoConf = join(pgData(), 'postgresql.auto.conf');
  const conf = readFileSync(autoConf, 'utf8');
  appendFileSync(autoConf, "shared_buffers = 'plenty'\n");
  const misconfigured = db('start');
  expect(misconfigured.code).toBe(1);
  expect(misconfigured.out.trim().split('\n')).toEqual([
    expect.stringMatching(
      /^error: The embedded PostgreSQL did not start: FATAL: configuration file ".*postgresql\.auto\.conf" contains errors \(full log: .*\)\.$/,
    ),
  ]);
  expect(misconfigured.out).not.toContain('delete');
  writeFileSync(autoConf, conf);

  const control = join(pgData(), 'global', 'pg_control');
  const bytes = readFileSync(control);
  bytes.fill(0xff, 16, 64);
  writeFileSync(control, bytes);
  const unreadable = db('start');
  expect(unreadable.code).toBe(1);
  expect(unreadable.out).toMatch(
    /says its files are unreadable: .*(FATAL|PANIC): .*delete \S+ and run npm run setup\./,
  );
});

it('a corrupt state file is named in one line', () => {
  writeFileSync(embeddedStateFile(join(copy.dir, '.data')), '{"port": 5');
  const status = db('status');
  expect(status.code).toBe(1);
  expect(status.out.trim().split('\n')).toEqual([
    expect.stringMatching(/^error: .*embedded-postgres(-\d+)?\.json is not valid JSON .*run npm run setup\.$/),
  ]);
});
