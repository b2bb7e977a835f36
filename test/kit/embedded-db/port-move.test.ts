/**
 * `npm run db:start` when the embedded server's last port is taken by another program: it starts
 * on another port and says so, and `npm run db:url` gives the new URL. In a copy of the checkout,
 * so the copy has an embedded cluster of its own and the run's server is untouched.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { copyProject } from '../support/project-copy.ts';
import { scriptCommand } from '#kit/script-command.ts';
import { embeddedStateFile } from '#kit/embedded-db/server.ts';

const copy = copyProject('port-move');
const db = (command: string) => {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.EMBEDDED_POSTGRES_PORT;
  const run = spawnSync(...scriptCommand('db', [command], copy.dir), {
    cwd: copy.dir,
    encoding: 'utf8',
    env,
  });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
};
afterAll(() => {
  db('stop');
  copy.remove();
});

it('announces a moved port, and db:url prints the URL on the new one', async () => {
  expect(db('start').code).toBe(0);
  const first = (JSON.parse(readFileSync(embeddedStateFile(join(copy.dir, '.data')), 'utf8')) as { port: number }).port;
  expect(db('stop').code).toBe(0);

  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(first, '127.0.0.1', resolve));
  try {
    const started = db('start');
    expect(started.code, started.out).toBe(0);
    expect(started.out).toMatch(
      new RegExp(
        // One note line; other notes (e.g. where the cluster lives when run as root) may come first.
        `^note: .*\\bport ${first} was taken, so the server now listens on (\\d+); npm run db:url prints the new URL$`,
        'm',
      ),
    );
    const moved = Number(/now listens on (\d+)/.exec(started.out)![1]);
    expect(moved).not.toBe(first);
    expect(db('url').out.trim()).toMatch(new RegExp(`^postgresql://postgres:[0-9a-f]+@127\\.0\\.0\\.1:${moved}/app$`));
  } finally {
    squatter.close();
  }
});
