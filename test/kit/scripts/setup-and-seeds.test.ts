/**
 * The command-line entry points as a user runs them: `npm run setup` twice, the dev seed's
 * guards, and bad database URLs. Each runs in a copy of the checkout on the demo project (its
 * dev seed and reference data) against this file's own cloned database.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dropDatabase } from '#kit/db/scratch-databases.ts';
import { withPgClient } from '#kit/db/pg-client.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPrisma } from '#kit/prisma-cli.ts';
import { cloneDemoDatabase, useTestDatabase } from '../setup/test-database.ts';
import { copyProject } from '../support/project-copy.ts';
import { scriptCommand } from '#kit/script-command.ts';

const t = useTestDatabase({ demo: true });
const demo = copyProject('setup-and-seeds', { demo: true });
afterAll(() => demo.remove());
// The demo's client, for the scripts that import it (a copy has no src/generated of its own).
beforeAll(async () => {
  const generate = await runPrisma(['generate'], { cwd: demo.dir });
  expect(generate.code, generate.stderr).toBe(0);
});

function run(script: string, args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const [node, command] = scriptCommand(script.replace(/\.ts$/, ''), args, demo.dir);
    const child = spawn(node, command, {
      cwd: demo.dir,
      env: { ...process.env, KIT_QUIET_ENGINE_LINE: '1', NODE_ENV: 'development', ...env },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

describe('npm run setup', () => {
  it('sets up the database, and a second run has nothing to do', async () => {
    const first = await run('setup.ts', [], { DATABASE_URL: t.url });
    expect(first.code, first.out).toBe(0);
    expect(first.out).toMatch(/reference seed\s+6 rows written/);
    expect(first.out).toMatch(/dev seed\s+20 users, 60 posts/);
    expect(first.out).not.toContain(new URL(t.url).password);

    const second = await run('setup.ts', [], { DATABASE_URL: t.url });
    expect(second.code, second.out).toBe(0);
    expect(second.out).toContain('nothing to do');
    expect(await t.db.user.count()).toBe(23);
  });
});

describe('npm run setup on a database with another history', () => {
  it('says so before deploying, with the reset line, and changes nothing', async () => {
    const url = await cloneDemoDatabase();
    try {
      // What a setup before kit init leaves: applied demo migrations the squashed checkout lacks.
      await withPgClient(url, (client) =>
        client.query(
          `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ('gone', 'x', '20200101000000_squashed_away', now(), now(), 1)`,
        ),
      );
      const result = await run('setup.ts', [], { DATABASE_URL: url });
      expect(result.code).toBe(1);
      expect(result.out.trim().split('\n').at(-1)).toMatch(
        /^error: The database has 1 applied migration that prisma\/migrations does not \(first: 20200101000000_squashed_away\), .* On this development database: npx prisma migrate reset --force, then npm run setup\.$/,
      );
      expect(result.out).not.toContain('P3018');
    } finally {
      await dropDatabase(url);
    }
  });
});

describe('dev seed', () => {
  it('is deterministic and idempotent for the same --seed', async () => {
    const a = await run('seed-dev.ts', ['--users', '5', '--seed', '7'], { DATABASE_URL: t.url });
    expect(a.code, a.out).toBe(0);
    const names = await t.db.user.findMany({
      where: { email: { startsWith: 'dev-7-' } },
      orderBy: { email: 'asc' },
      select: { displayName: true },
    });
    const again = await run('seed-dev.ts', ['--users', '5', '--seed', '7'], { DATABASE_URL: t.url });
    expect(again.out).toContain('users created 0, posts created 0');
    expect(names).toHaveLength(5);
    expect(await t.db.user.count({ where: { email: { startsWith: 'dev-7-' } } })).toBe(5);
  });

  it.each([
    ['NODE_ENV=production', { NODE_ENV: 'production' }, /Refusing to run the dev seed in production/],
    ['APP_ENV=production', { APP_ENV: 'production' }, /Refusing to run the dev seed in production/],
  ])('refuses when %s, writing nothing', async (_, env, message) => {
    const before = await t.db.user.count();
    const result = await run('seed-dev.ts', [], { DATABASE_URL: t.url, ...env });
    expect(result.code).not.toBe(0);
    expect(result.out).toMatch(message);
    expect(await t.db.user.count()).toBe(before);
  });

  it('never writes reference data: without the roles it stops and writes nothing', async () => {
    const empty = await cloneDemoDatabase();
    try {
      const result = await run('seed-dev.ts', [], { DATABASE_URL: empty });
      expect(result.code).not.toBe(0);
      expect(result.out).toContain('run npm run seed:reference before the dev seed');
      const counts = await withPgClient(
        empty,
        async (client) =>
          (
            await client.query(
              'SELECT (SELECT count(*) FROM roles)::int AS roles, (SELECT count(*) FROM users)::int AS users',
            )
          ).rows[0],
      );
      expect(counts).toEqual({ roles: 0, users: 0 });
    } finally {
      await dropDatabase(empty);
    }
  });

  it('refuses a server it cannot identify as a development one, even on 127.0.0.1, until it is named', async () => {
    // This copy has no embedded cluster: the test server is, to it, what a tunnel to production
    // on 127.0.0.1 would be.
    const { KIT_DEV_SERVER_ID: id, ...unnamed } = process.env;
    const users = () =>
      withPgClient(t.url, async (client) => (await client.query('SELECT count(*)::int AS n FROM users')).rows[0].n);
    const before = await users();
    const refused = await run('seed-dev.ts', [], { ...unnamed, KIT_DEV_SERVER_ID: '', DATABASE_URL: t.url });
    expect(refused.code).not.toBe(0);
    expect(refused.out.trim().split('\n')).toEqual([
      `error: Refusing to run the dev seed against ${new URL(t.url).host}: it is not the embedded server, and an address can't tell a development server from a tunnel to production. If it is a development server of yours, set KIT_DEV_SERVER_ID=${id} (its system identifier) and run this again.`,
    ]);
    expect(await users()).toBe(before);
    const environments: Array<Record<string, string>> = [
      { NODE_ENV: 'Production' },
      { APP_ENV: 'prod' },
      { APP_ENV: 'staging' },
    ];
    for (const environment of environments) {
      const result = await run('seed-dev.ts', [], { DATABASE_URL: t.url, ...environment });
      expect(result.code, JSON.stringify(environment)).not.toBe(0);
      expect(result.out).toMatch(/^error: Refusing to run the dev seed/);
    }
    const named = await run('seed-dev.ts', ['--users', '1'], { DATABASE_URL: t.url, KIT_DEV_SERVER_ID: id ?? '' });
    expect(named.code, named.out).toBe(0);
  });

  it('rejects a bad --users value with one line', async () => {
    const result = await run('seed-dev.ts', ['--users', 'many'], { DATABASE_URL: t.url });
    expect(result.code).not.toBe(0);
    expect(result.out.trim()).toBe('error: --users must be a whole number ≥ 0 (got "many").');
  });
});

describe('npm run seed:reference -- --update-checksums', () => {
  it('records the reviewed edit and loads it in the same command', async () => {
    // In a copy of the checkout: the command rewrites the manifest it finds.
    const copy = copyProject('update-checksums', { demo: true });
    const url = await cloneDemoDatabase();
    try {
      const roles = join(copy.dir, 'prisma', 'reference', 'roles.jsonl');
      appendFileSync(roles, '{"name": "auditor", "description": "Reads everything, changes nothing"}\n');
      const result = spawnSync(...scriptCommand('seed-reference', ['--update-checksums'], copy.dir), {
        cwd: copy.dir,
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: url },
      });
      expect(result.status, result.stdout + result.stderr).toBe(0);
      // Loaded first, stamped after: a file that fails to load never gets a checksum.
      expect(result.stdout).toMatch(/reference seed →[\s\S]*reference manifest updated/);
      expect(
        await withPgClient(
          url,
          async (client) => (await client.query(`SELECT name FROM roles WHERE name = 'auditor'`)).rowCount,
        ),
      ).toBe(1);
    } finally {
      copy.remove();
      await dropDatabase(url);
    }
  });
});

describe('a backfill job that does not compile', () => {
  it('stops only the backfill commands, in one line naming the file; setup and seed:reference run', async () => {
    // kit.config.ts loads the jobs by import(), so only the commands that run jobs build them.
    const job = join(demo.dir, 'src', 'backfills', 'post-slug.ts');
    const source = readFileSync(job, 'utf8');
    writeFileSync(job, `${source}\nexport const broken = ;\n`);
    try {
      for (const script of ['setup.ts', 'seed-reference.ts']) {
        const result = await run(script, [], { DATABASE_URL: t.url });
        expect(result.code, `${script}: ${result.out}`).toBe(0);
      }
      const list = await run('backfill.ts', ['--list'], { DATABASE_URL: t.url });
      expect(list.code).toBe(1);
      expect(list.out.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^error: src\/backfills\/post-slug\.ts:\d+:\d+: .*Fix that file: src\/backfills\/index\.ts imports it/,
        ),
      ]);
      // Fixed, the same bundle is rebuilt: the broken file was one of its inputs.
      writeFileSync(job, source);
      const fixed = await run('backfill.ts', ['--list'], { DATABASE_URL: t.url });
      expect(fixed.code, fixed.out).toBe(0);
      expect(fixed.out).toContain('post-slug');
    } finally {
      writeFileSync(job, source);
    }
  });

  it('a script that imports it statically still names the file in one line', async () => {
    const reference = join(demo.dir, 'prisma', 'reference', 'tables.ts');
    const source = readFileSync(reference, 'utf8');
    writeFileSync(reference, `${source}\nexport const broken = ;\n`);
    try {
      const result = await run('seed-reference.ts', [], { DATABASE_URL: t.url });
      expect(result.code).toBe(1);
      expect(result.out.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^error: prisma\/reference\/tables\.ts:\d+:\d+: .*Fix that file: scripts\/seed-reference\.ts imports it/,
        ),
      ]);
    } finally {
      writeFileSync(reference, source);
    }
  });
});

describe('npm run prisma', () => {
  it('runs the Prisma CLI with the project config from a subfolder, where bare npx prisma would not find it', async () => {
    const status = spawnSync('npm', ['run', '-s', 'prisma', '--', 'migrate', 'status'], {
      cwd: join(demo.dir, 'src'),
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: t.url },
    });
    expect(status.status, status.stdout + status.stderr).toBe(0);
    // The engine line is printed by prisma.config.ts: the project's config was loaded.
    expect(status.stderr).toMatch(/^schema engine: /m);
    expect(status.stdout).toContain('Database schema is up to date');
  });
});

describe('npm run db:url', () => {
  it('prints the whole URL, password included, and that URL connects', async () => {
    const result = await run('db.ts', ['url'], { DATABASE_URL: t.url });
    expect(result.code, result.out).toBe(0);
    expect(result.out.trim()).toBe(t.url);
    expect(
      await withPgClient(result.out.trim(), async (client) => (await client.query('SELECT 1 AS ok')).rows),
    ).toEqual([{ ok: 1 }]);
  });
});

describe('bad database URLs', () => {
  it('a malformed DATABASE_URL gets one line naming the fix', async () => {
    const result = await run('seed-reference.ts', [], { DATABASE_URL: 'not a url' });
    expect(result.code).not.toBe(0);
    expect(result.out.trim()).toMatch(/^error: DATABASE_URL is not a valid URL\. Use postgresql:\/\//);
  });

  it("a malformed DATABASE_URL on the first prisma command doesn't decide which schema engine runs", async () => {
    // A copy with no remembered engine choice: this command is the one that probes.
    const fresh = copyProject('engine-probe');
    try {
      const first = await runPrisma(['migrate', 'status'], { cwd: fresh.dir, url: 'not a url' });
      expect(first.code).not.toBe(0);
      expect(first.stderr).toMatch(/^error: DATABASE_URL is not a valid URL/m);
      const file = join(fresh.dir, '.data', 'schema-engine.json');
      // Remembered only when the verdict is about the engine (it ran, or fetching it failed).
      if (existsSync(file)) expect(readFileSync(file, 'utf8')).not.toContain('it did not run');
      const second = await runPrisma(['--version'], { cwd: fresh.dir });
      expect(second.stderr).not.toContain('it did not run');
    } finally {
      fresh.remove();
    }
  });

  it.each([
    ['setup', 'setup.ts'],
    ['seed:dev', 'seed-dev.ts'],
    ['seed:reference', 'seed-reference.ts'],
  ])('%s against a server that is down: one line, the way to start it, nothing claimed done', async (_, script) => {
    const down = 'postgresql://postgres:down-server-pw@127.0.0.1:1/app';
    const result = await run(script, [], { DATABASE_URL: down });
    expect(result.code).not.toBe(0);
    expect(result.out.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: P1001: Can't reach database server at .*npm run db:start/),
    ]);
    expect(result.out).not.toContain('down-server-pw');
  });

  it.each([
    [
      'a Neon -pooler host',
      'postgresql://u:pooled-pw@ep-cool-123-pooler.us-east-2.aws.neon.tech/app',
      /its host .* is a pooler's/,
    ],
    [
      "Supabase's transaction pooler port",
      'postgresql://u:pooled-pw@db.example.supabase.co:6543/postgres',
      /port 6543/,
    ],
    ['pgbouncer=true', 'postgresql://u:pooled-pw@pgbouncer.internal:5432/app?pgbouncer=true', /pgbouncer=true/],
  ])('a migration command given %s refuses in one line, naming the direct URL to use', async (_, url, why) => {
    const deploy = await runPrisma(['migrate', 'deploy'], { cwd: demo.dir, url });
    expect(deploy.code).not.toBe(0);
    const errors = deploy.stderr.split('\n').filter((line) => line.startsWith('error:'));
    expect(errors).toEqual([
      expect.stringMatching(
        /^error: prisma migrate deploy needs a direct connection, .*Use the direct URL for migrations/,
      ),
    ]);
    expect(errors[0]).toMatch(why);
    expect(deploy.stdout + deploy.stderr).not.toContain('pooled-pw');
    const backfill = await run('backfill.ts', ['--list'], { DATABASE_URL: url });
    expect(backfill.out.trim()).toMatch(/^error: npm run backfill needs a direct connection/);
  });

  it('setup on a database that does not exist, as a role that may not create it: says that, not "fix the migration"', async () => {
    const role = `kit_test_nodb_${process.pid}`;
    await withPgClient(t.url, (client) => client.query(`CREATE ROLE ${role} LOGIN PASSWORD 'nodb-secret-1'`));
    try {
      const missing = new URL(t.url);
      missing.username = role;
      missing.password = 'nodb-secret-1';
      missing.pathname = `/kit_test_missing_${process.pid}`;
      const result = await run('setup.ts', [], { DATABASE_URL: missing.toString() });
      expect(result.code).toBe(1);
      expect(result.out.trim().split('\n').at(-1)).toBe(
        `error: prisma migrate deploy failed: the database kit_test_missing_${process.pid} does not exist, and the role ${role} may not create it. Create it (CREATE DATABASE … OWNER that role) as an admin, or point DATABASE_URL at an existing one.`,
      );
    } finally {
      await withPgClient(t.url, (client) => client.query(`DROP ROLE ${role}`));
    }
  });

  it('a wrong password gets one line and does not print the password', async () => {
    const wrong = new URL(t.url);
    wrong.password = 'definitely-wrong-pw';
    const result = await run('seed-reference.ts', [], { DATABASE_URL: wrong.toString() });
    expect(result.code).not.toBe(0);
    expect(result.out.trim().split('\n')).toHaveLength(1);
    expect(result.out).toMatch(/^error: P1000: Authentication failed against database server/);
    expect(result.out).not.toContain('definitely-wrong-pw');
  });
});
