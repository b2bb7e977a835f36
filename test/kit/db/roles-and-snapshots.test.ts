/**
 * Least-privilege roles (the app role can read and write rows but not change the schema; the
 * migrator can) and local snapshots (taken and restored with CREATE DATABASE … TEMPLATE), both
 * through their real commands.
 */
import { createTestRole } from '../support/test-roles.ts';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { withDatabase } from '#kit/db/connection-url.ts';
import { connectPgClient, withPgClient } from '#kit/db/pg-client.ts';
import { projectRoot } from '#kit-test/support/checkout.ts';
import { cloneDemoDatabase } from '../setup/test-database.ts';
import { scriptCommand } from '#kit/script-command.ts';

function script(name: string, url: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(...scriptCommand(name, args, projectRoot), {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: url, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const serverVersionNum = (url: string) =>
  withPgClient(url, async (client) =>
    Number((await client.query('SHOW server_version_num')).rows[0].server_version_num),
  );

const as = (url: string, role: string, password: string) => {
  const next = new URL(url);
  next.username = role;
  next.password = password;
  return next.toString();
};

describe('npm run db:roles', () => {
  const suffix = process.pid;
  const roles = { migrator: `kit_test_migrator_${suffix}`, app: `kit_test_app_${suffix}` };
  const passwords = { MIGRATOR_DB_PASSWORD: 'migrator-secret-1', APP_DB_PASSWORD: 'app-secret-12345' };
  let url: string;

  afterAll(async () => {
    // Roles are cluster-wide: drop the database that depends on them, then the roles.
    await withPgClient(withDatabase(inject('testServerUrl'), 'postgres'), async (client) => {
      if (url)
        await client.query(
          `DROP DATABASE IF EXISTS ${client.escapeIdentifier(new URL(url).pathname.slice(1))} WITH (FORCE)`,
        );
      for (const role of Object.values(roles))
        await client.query(`DROP ROLE IF EXISTS ${client.escapeIdentifier(role)}`);
    });
  });

  it('the app role reads and writes rows but cannot change the schema; the migrator can', async () => {
    url = await cloneDemoDatabase();
    const setup = script('db-roles', url, ['--migrator', roles.migrator, '--app', roles.app], passwords);
    expect(setup.code, setup.stderr).toBe(0);
    expect(setup.stdout + setup.stderr).not.toContain(passwords.APP_DB_PASSWORD);
    // Idempotent: a second run (after new migrations, say) succeeds too.
    expect(script('db-roles', url, ['--migrator', roles.migrator, '--app', roles.app], passwords).code).toBe(0);

    // PostgreSQL 14 and older: `public` belongs to the bootstrap superuser, not to the database's
    // owner, and lets every role create in it; only that superuser can change it, so db:roles
    // leaves it and says so (roles.ts).
    const publicIsTheOwners = (await serverVersionNum(url)) >= 150000;
    expect(setup.stdout.includes(`warning: ${roles.app} can create tables in the schema public`)).toBe(
      !publicIsTheOwners,
    );
    await withPgClient(as(url, roles.app, passwords.APP_DB_PASSWORD), async (app) => {
      await app.query(`INSERT INTO users (email, display_name) VALUES ('app@example.test', 'App')`);
      expect((await app.query(`SELECT count(*)::int AS n FROM users`)).rows[0].n).toBeGreaterThan(0);
      await app.query(`UPDATE users SET active = false WHERE email = 'app@example.test'`);
      const createTable = app.query('CREATE TABLE app_scratch (id int)');
      if (publicIsTheOwners) await expect(createTable).rejects.toThrow(/permission denied/);
      else await createTable;
      for (const ddl of [
        'ALTER TABLE users ADD COLUMN nickname text',
        'DROP TABLE posts',
        'TRUNCATE users CASCADE',
        'CREATE INDEX users_active_idx ON users (active)',
        'SELECT * FROM _prisma_migrations',
      ]) {
        await expect(app.query(ddl), ddl).rejects.toThrow(/permission denied|must be owner/);
      }
    });

    await withPgClient(as(url, roles.migrator, passwords.MIGRATOR_DB_PASSWORD), async (migrator) => {
      expect((await migrator.query('SHOW lock_timeout')).rows[0].lock_timeout).toBe('5s');
      await migrator.query('ALTER TABLE users ADD COLUMN nickname text');
      await migrator.query('CREATE TABLE migrator_made (id int)');
    });
    // Tables the migrator creates later are open to the app through default privileges.
    await withPgClient(as(url, roles.app, passwords.APP_DB_PASSWORD), (app) =>
      app.query('INSERT INTO migrator_made VALUES (1)'),
    );
  });

  it("kit commands given the app role's URL say in one line which role to use, without a stack", async () => {
    // The platform's DATABASE_URL is often the app's own role; db:roles above made it one.
    const appUrl = as(url, roles.app, passwords.APP_DB_PASSWORD);
    for (const command of ['migrate-plan', 'migrate-recover', 'migrate-backup-if-risky', 'migrate-rollback']) {
      const run = script(command, appUrl, []);
      expect(run.code, command).not.toBe(0);
      const lines = run.stderr.trim().split('\n');
      expect(lines, `${command}: ${run.stderr}`).toEqual([
        expect.stringMatching(
          new RegExp(
            `^error: permission denied for table _prisma_migrations \\(the role "${roles.app}" may not do this\\)\\. .*MIGRATION_DATABASE_URL`,
          ),
        ),
      ]);
      expect(run.stdout + run.stderr).not.toContain(passwords.APP_DB_PASSWORD);
    }
  });

  it('needs both passwords from the environment', () => {
    const run = script('db-roles', inject('testServerUrl'), [], { MIGRATOR_DB_PASSWORD: '', APP_DB_PASSWORD: '' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(/^error: Set MIGRATOR_DB_PASSWORD and APP_DB_PASSWORD\./);
  });
});

describe('npm run db:roles as a managed-service admin (CREATEROLE, not superuser)', () => {
  const suffix = `${process.pid}_managed`;
  const roles = {
    admin: `kit_test_admin_${suffix}`,
    plain: `kit_test_plain_${suffix}`,
    migrator: `kit_test_migrator_${suffix}`,
    app: `kit_test_app_${suffix}`,
  };
  const password = 'admin-secret-123';
  const passwords = { MIGRATOR_DB_PASSWORD: 'migrator-secret-1', APP_DB_PASSWORD: 'app-secret-12345' };
  const database = `kit_test_managed_${process.pid}`;
  const server = () => withDatabase(inject('testServerUrl'), 'postgres');

  afterAll(async () => {
    await withPgClient(server(), (client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    // The admin created the migrator and the app role, so only it (or a superuser) may drop them.
    await withPgClient(as(server(), roles.admin, password), async (admin) => {
      for (const role of [roles.migrator, roles.app]) await admin.query(`DROP ROLE IF EXISTS ${role}`);
    }).catch(() => undefined); // no admin: an earlier step failed before creating it
    await withPgClient(server(), async (client) => {
      for (const role of Object.values(roles)) await client.query(`DROP ROLE IF EXISTS ${role}`);
    });
  });

  it('sets up the roles on a database the admin owns, and a role without CREATEROLE is refused in one line', async () => {
    await withPgClient(server(), async (client) => {
      await createTestRole(client, roles.admin, `LOGIN PASSWORD '${password}' CREATEROLE NOSUPERUSER NOCREATEDB`);
      await createTestRole(client, roles.plain, `LOGIN PASSWORD '${password}' NOSUPERUSER`);
      await client.query(`CREATE DATABASE ${database} OWNER ${roles.admin}`);
    });
    const adminUrl = as(withDatabase(inject('testServerUrl'), database), roles.admin, password);
    // The admin's schema, as it would be after the first deploy with the admin's URL.
    await withPgClient(adminUrl, (client) => client.query('CREATE TABLE accounts (id serial PRIMARY KEY, email text)'));

    const args = ['--migrator', roles.migrator, '--app', roles.app];
    const refused = script('db-roles', as(adminUrl, roles.plain, password), args, passwords);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^error: The admin role can't set up roles \(permission denied to create role\)\. Connect as a role with CREATEROLE/,
      ),
    ]);

    const setup = script('db-roles', adminUrl, args, passwords);
    expect(setup.code, setup.stderr).toBe(0);
    await withPgClient(as(adminUrl, roles.migrator, passwords.MIGRATOR_DB_PASSWORD), (migrator) =>
      migrator.query('ALTER TABLE accounts ADD COLUMN nickname text'),
    );
    // The documented re-run (after new migrations) and a password rotation, by the same admin:
    // PostgreSQL refuses a non-superuser's ALTER ROLE … NOSUPERUSER even when nothing changes.
    const again = script('db-roles', adminUrl, args, passwords);
    expect(again.code, again.stderr).toBe(0);
    const rotated = { MIGRATOR_DB_PASSWORD: 'migrator-secret-2', APP_DB_PASSWORD: 'app-secret-67890' };
    const rotation = script('db-roles', adminUrl, args, rotated);
    expect(rotation.code, rotation.stderr).toBe(0);
    await expect(
      withPgClient(as(adminUrl, roles.app, passwords.APP_DB_PASSWORD), (app) => app.query('SELECT 1')),
    ).rejects.toThrow(/password authentication failed/);
    await withPgClient(as(adminUrl, roles.app, rotated.APP_DB_PASSWORD), async (app) => {
      await app.query(`INSERT INTO accounts (email) VALUES ('app@example.test')`);
      await expect(app.query('ALTER TABLE accounts ADD COLUMN sneaky text')).rejects.toThrow(/must be owner/);
    });
  });

  it('after a reset by the migrator, the documented re-run of db:roles gives the app role its access back', async () => {
    const adminUrl = as(withDatabase(inject('testServerUrl'), database), roles.admin, password);
    const passwordsNow = { MIGRATOR_DB_PASSWORD: 'migrator-secret-2', APP_DB_PASSWORD: 'app-secret-67890' };
    // What `prisma migrate reset` does as the migrator: a new public schema, then the history
    // again. On PostgreSQL 14 the migrator may not drop `public` (the bootstrap superuser's), so
    // Migrate drops what is in it instead (its "best-effort reset"), and the schema's grants stay.
    const dropsSchema = (await serverVersionNum(adminUrl)) >= 150000;
    await withPgClient(as(adminUrl, roles.migrator, passwordsNow.MIGRATOR_DB_PASSWORD), async (migrator) => {
      if (dropsSchema) {
        await migrator.query('DROP SCHEMA public CASCADE');
        await migrator.query('CREATE SCHEMA public');
      } else await migrator.query('DROP TABLE accounts CASCADE');
      await migrator.query('CREATE TABLE accounts (id serial PRIMARY KEY, email text)');
    });
    const app = () =>
      withPgClient(as(adminUrl, roles.app, passwordsNow.APP_DB_PASSWORD), (client) =>
        client.query(`INSERT INTO accounts (email) VALUES ('after-reset@example.test')`),
      );
    // Without USAGE on the new schema the app role can't even see the table.
    if (dropsSchema) await expect(app()).rejects.toThrow(/relation "accounts" does not exist|permission denied/);
    const regrant = script('db-roles', adminUrl, ['--migrator', roles.migrator, '--app', roles.app], passwordsNow);
    expect(regrant.code, regrant.stderr).toBe(0);
    await app();
  });

  it('db:snapshot as a role without CREATEDB is refused in one line before any session is ended', async () => {
    const adminUrl = as(withDatabase(inject('testServerUrl'), database), roles.admin, password);
    await withPgClient(adminUrl, async (other) => {
      const taken = script('db-snapshot', adminUrl, ['snapshot', 'before_risky']);
      expect(taken.code).toBe(1);
      expect(taken.stderr.trim().split('\n')).toEqual([
        `error: db:snapshot copies databases, which needs CREATEDB; the role ${roles.admin} has not got it. Nothing was changed.`,
      ]);
      // The other session is still there: nothing was terminated on the way to the refusal.
      expect((await other.query('SELECT 1 AS alive')).rows).toEqual([{ alive: 1 }]);
    });
  });
});

describe('npm run db:snapshot / db:restore', () => {
  it('undoes a local change in one command, and refuses what it cannot do without changing anything', async () => {
    const url = await cloneDemoDatabase();
    const snapshot = (args: string[], env: Record<string, string> = {}) =>
      script('db-snapshot', url, ['snapshot', ...args], env);
    const restore = (args: string[], env: Record<string, string> = {}) =>
      script('db-snapshot', url, ['restore', ...args], env);
    const userCount = () =>
      withPgClient(
        url,
        async (client) => (await client.query('SELECT count(*)::int AS n FROM users')).rows[0].n as number,
      );

    await withPgClient(url, (client) =>
      client.query(`INSERT INTO users (email, display_name) VALUES ('kept@example.test', 'Kept')`),
    );
    // A session left open on the database (a GUI, psql): the copy needs it alone, so it is
    // ended, once the role is known to be allowed to, and counted in the output.
    const open = await connectPgClient(url);
    open.on('error', () => undefined);
    const taken = snapshot(['before_risky']);
    expect(taken.code, taken.stderr).toBe(0);
    expect(taken.stdout).toMatch(/snapshot "before_risky" of .* taken \(\d+ ms; ended 1 other session\(s\) on it\)/);
    await open.end().catch(() => undefined);

    // The "risky local migration".
    await withPgClient(url, (client) => client.query('DROP TABLE posts; DELETE FROM users'));
    const restored = restore(['before_risky']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(await userCount()).toBe(1);
    expect(
      await withPgClient(
        url,
        async (client) => (await client.query(`SELECT to_regclass('posts') IS NOT NULL AS present`)).rows[0].present,
      ),
    ).toBe(true);
    expect(snapshot(['--list']).stdout).toMatch(/^before_risky\s/m);

    const before = await userCount();
    const cases: Array<[ReturnType<typeof snapshot>, RegExp]> = [
      [restore(['never_taken']), /^error: No snapshot "never_taken" of kit_test_\w+\. Snapshots: before_risky\.$/],
      [snapshot(['before_risky']), /^error: Snapshot "before_risky" exists/],
      [snapshot(['Bad Name!']), /^error: Snapshot name "Bad Name!" must be/],
      [restore(['before_risky'], { NODE_ENV: 'production' }), /^error: Refusing to run db:restore in production/],
      [
        // Production however it is spelled; a server that is not a development one is refused in
        // test/kit/scripts/setup-and-seeds.test.ts (the same guard).
        restore(['before_risky'], { NODE_ENV: 'Production' }),
        /^error: Refusing to run db:restore in production \(NODE_ENV=Production\)/,
      ],
    ];
    for (const [run, message] of cases) {
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toMatch(message);
    }
    expect(await userCount()).toBe(before);
    const deleted = snapshot(['--delete', 'before_risky']);
    expect(deleted.code, deleted.stderr).toBe(0);
    // What was dropped, said: its size.
    expect(deleted.stdout.trim()).toMatch(/^deleted snapshot "before_risky" \(\d+ [kMG]B\)\.$/);
  });
});
