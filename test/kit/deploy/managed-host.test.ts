/**
 * A team's first production deploy on a server set up the way managed hosts set one up: no
 * superuser for the team; an admin with CREATEROLE only that owns the database; a migrator and an
 * app role from `db:roles`; a separate shadow database; TLS with the host's own CA
 * (`sslmode=verify-full&sslrootcert=…`), reached on 127.0.0.1 as through a tunnel. It runs on the
 * run's PostgreSQL major, so `npm run kit -- test-matrix` plays it on 14 to 18.
 *
 * Every command's output is kept: none may print a stack trace or a password.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withPgClient } from '#kit/db/pg-client.ts';
import { scriptCommand } from '#kit/script-command.ts';
import { copyProject } from '../support/project-copy.ts';
import { startTlsServer, type TlsServer } from '../support/tls-server.ts';

const team = copyProject('managed-team', { demo: true });
let host: TlsServer;
const suffix = process.pid;
const roles = {
  admin: { name: `kit_test_host_admin_${suffix}`, password: 'admin-secret-0001' },
  migrator: { name: `kit_test_host_migrator_${suffix}`, password: 'migrator-secret-1' },
  app: { name: `kit_test_host_app_${suffix}`, password: 'app-secret-000001' },
};
const database = 'app_production';
const shadowDatabase = 'app_shadow';
let tls: string;
const as = (role: { name: string; password: string }, on = database) => host.url(on, tls, role);

interface Run {
  code: number;
  out: string;
}
const outputs: string[] = [];

/** A kit script (`setup`, `db-roles`, …) or `prisma …` in the team's checkout, as `url`'s role. */
function command(url: string, name: string, args: string[] = [], env: Record<string, string> = {}): Run {
  const [bin, binArgs] =
    name === 'prisma' ? [join(team.dir, 'node_modules', '.bin', 'prisma'), args] : scriptCommand(name, args, team.dir);
  const base = { ...process.env };
  // Nothing of the test run's own server: this is production, seen from a laptop.
  for (const variable of ['KIT_DEV_SERVER_ID', 'TEST_DATABASE_URL', 'NODE_ENV', 'APP_ENV']) delete base[variable];
  const result = spawnSync(bin, binArgs, {
    cwd: team.dir,
    encoding: 'utf8',
    env: {
      ...base,
      DATABASE_URL: url,
      SHADOW_DATABASE_URL: as(roles.migrator, shadowDatabase),
      KIT_QUIET_ENGINE_LINE: '1',
      ...env,
    },
    timeout: 120_000,
  });
  const out = `${result.stdout}${result.stderr}`;
  outputs.push(out);
  return { code: result.status ?? 1, out };
}
const ok = (run: Run) => expect(run.code, run.out).toBe(0);
const serverVersionNum = () =>
  withPgClient(host.url('postgres', 'sslmode=disable'), async (client) =>
    Number((await client.query('SHOW server_version_num')).rows[0].server_version_num),
  );

beforeAll(async () => {
  host = await startTlsServer('managed-host');
  tls = `sslmode=verify-full&sslrootcert=${encodeURIComponent(host.certificate)}`;
  // What the hosting provider sets up: the admin (CREATEROLE, no CREATEDB) owning the database,
  // and a shadow database, to be handed to the migrator once it exists.
  await withPgClient(host.url('postgres', 'sslmode=disable'), async (client) => {
    await client.query(
      `CREATE ROLE ${roles.admin.name} LOGIN CREATEROLE NOCREATEDB NOSUPERUSER PASSWORD '${roles.admin.password}'`,
    );
    for (const name of [database, shadowDatabase])
      await client.query(`CREATE DATABASE ${name} OWNER ${roles.admin.name}`);
  });
}, 120_000);
afterAll(() => {
  host?.stop();
  team.remove();
});

it("plays the first production deploy as the host's roles, over TLS with the host's CA, and every failure is one line", async () => {
  const passwords = { MIGRATOR_DB_PASSWORD: roles.migrator.password, APP_DB_PASSWORD: roles.app.password };
  const dbRoles = (env = passwords) =>
    command(as(roles.admin), 'db-roles', ['--migrator', roles.migrator.name, '--app', roles.app.name], env);

  // db:roles, again (after new migrations), and a password rotation, by the admin.
  ok(dbRoles());
  ok(dbRoles());
  await withPgClient(host.url(shadowDatabase, 'sslmode=disable'), (client) =>
    client.query(`ALTER DATABASE ${shadowDatabase} OWNER TO ${roles.migrator.name}`),
  );
  const rotated = { ...roles.migrator, password: 'migrator-secret-2' };
  ok(dbRoles({ ...passwords, MIGRATOR_DB_PASSWORD: rotated.password }));
  roles.migrator.password = rotated.password;
  const migrator = () => as(roles.migrator);

  // setup on production (NODE_ENV unset): migrations and reference data, no sample users.
  const setup = command(migrator(), 'setup');
  ok(setup);
  expect(setup.out).toContain('skipped: not a development server');

  // The deploy workflow's steps: the plan gate, deploy twice, the reference seed twice.
  ok(command(migrator(), 'migrate-plan'));
  ok(command(migrator(), 'prisma', ['migrate', 'deploy']));
  const again = command(migrator(), 'prisma', ['migrate', 'deploy']);
  ok(again);
  expect(again.out).toContain('No pending migrations to apply.');
  ok(command(migrator(), 'seed-reference'));
  const reseed = command(migrator(), 'seed-reference');
  ok(reseed);
  expect(reseed.out).not.toMatch(/(created|updated|removed) [1-9]/);

  // The linter's drift check replays the history into the shadow database it was given.
  const lint = command(migrator(), 'lint-migrations', ['--all']);
  ok(lint);
  expect(lint.out).toMatch(/drift, applied checksums\): 0 finding/);

  // The app reads and writes rows over TLS and can't change the schema.
  await withPgClient(as(roles.app), async (client) => {
    await client.query(`INSERT INTO users (email, display_name) VALUES ('first@example.test', 'First')`);
    await expect(client.query('ALTER TABLE users ADD COLUMN sneaky text')).rejects.toThrow(/must be owner/);
  });

  // A reset by the migrator, then the documented re-grant: the app works again.
  ok(
    command(migrator(), 'prisma', ['migrate', 'reset', '--force'], {
      PRISMA_USER_CONSENT_FOR_DANGEROUS_AI_ACTION: 'a scratch server created by this test',
    }),
  );
  ok(dbRoles({ ...passwords, MIGRATOR_DB_PASSWORD: roles.migrator.password }));
  await withPgClient(as(roles.app), (client) =>
    client.query(`INSERT INTO users (email, display_name) VALUES ('after-reset@example.test', 'After')`),
  );

  // A migration that fails: the deploy stops, recover explains it, the fixed file deploys.
  const failing = join(team.dir, 'prisma', 'migrations', '29990101000000_unique_display_name');
  mkdirSync(failing, { recursive: true });
  await withPgClient(as(roles.app), (client) =>
    client.query(`INSERT INTO users (email, display_name) VALUES ('twin@example.test', 'After')`),
  );
  writeFileSync(
    join(failing, 'migration.sql'),
    'CREATE UNIQUE INDEX "users_display_name_key" ON "users" ("display_name");\n',
  );
  try {
    expect(command(migrator(), 'prisma', ['migrate', 'deploy']).code).not.toBe(0);
    const explain = command(migrator(), 'migrate-recover');
    expect(explain.out).toContain('error: ERROR: could not create unique index "users_display_name_key"');
    writeFileSync(
      join(failing, 'migration.sql'),
      'CREATE INDEX "users_display_name_idx" ON "users" ("display_name");\n',
    );
    ok(command(migrator(), 'migrate-recover', ['--rolled-back']));
    ok(command(migrator(), 'prisma', ['migrate', 'deploy']));
  } finally {
    rmSync(failing, { recursive: true, force: true });
  }

  // What only a development server may do is refused through the "tunnel", before anything.
  for (const [name, args] of [
    ['seed-dev', []],
    ['db-snapshot', ['snapshot', 'before_risky']],
  ] as const) {
    const refused = command(migrator(), name, [...args]);
    expect(refused.code, refused.out).toBe(1);
    expect(refused.out.trim().split('\n').at(-1)).toMatch(/^error: Refusing to run .*it is not the embedded server/);
  }

  // PostgreSQL 14: public stays the bootstrap superuser's, and db:roles said what that means.
  if ((await serverVersionNum()) < 150000)
    expect(outputs.join('\n')).toContain(`warning: ${roles.app.name} can create tables in the schema public`);

  for (const out of outputs) {
    expect(out).not.toMatch(/\n\s+at .+:\d+:\d+/);
    for (const role of Object.values(roles)) expect(out).not.toContain(role.password);
  }
}, 600_000);
