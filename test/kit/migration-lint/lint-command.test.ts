/**
 * `npm run migrate:lint` as a user runs it, in a copy of the checkout on the demo project:
 * the demo history passes with drift and checksums checked against a migrated database, an
 * edited applied migration is flagged, and a bad option gets one line.
 */
import { createTestRole } from '../support/test-roles.ts';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { withPgClient } from '#kit/db/pg-client.ts';
import { runPrisma } from '#kit/prisma-cli.ts';
import { scriptCommand } from '#kit/script-command.ts';
import { useTestDatabase } from '../setup/test-database.ts';
import { copyProject } from '../support/project-copy.ts';

describe('npm run migrate:lint', () => {
  const database = useTestDatabase({ demo: true });
  const copy = copyProject('lint', { demo: true });
  afterAll(() => copy.remove());
  const lint = (url: string, ...args: string[]) =>
    spawnSync(...scriptCommand('lint-migrations', args, copy.dir), {
      cwd: copy.dir,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: url },
    });

  it("passes the demo project's migrations, drift and checksums included", () => {
    const run = lint(database.url, '--all');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/migration\(s\) linted \(all; SQL rules, drift, applied checksums\): 0 finding\(s\)/);
  });

  it('flags a migration whose file no longer matches the checksum the database recorded', async () => {
    const migration = await withPgClient(database.url, async (client) => {
      const row = (
        await client.query(
          `UPDATE _prisma_migrations SET checksum = repeat('0', 64) WHERE migration_name LIKE '%_add_user_timezone' RETURNING migration_name`,
        )
      ).rows[0];
      return row.migration_name as string;
    });
    const run = lint(database.url, '--all');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`prisma/migrations/${migration}/migration.sql:1  applied-migration-edited`);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: .*1 finding\(s\)/);
    // What the finding says Migrate does with the edit: nothing. The deploy goes ahead.
    expect(run.stdout).toContain('`migrate deploy` and `migrate status` ignore the edit');
    const deploy = await runPrisma(['migrate', 'deploy'], { cwd: copy.dir, url: database.url });
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.stdout).toContain('No pending migrations to apply.');
  });

  it('as a role without CREATEDB and no SHADOW_DATABASE_URL: one line naming both ways out', async () => {
    const role = `kit_test_noshadow_${process.pid}`;
    const secret = 'noshadow-secret-1';
    // The database's owner, as on a managed host: may change its schema, may not create databases.
    await withPgClient(database.url, async (client) => {
      await createTestRole(client, role, `LOGIN NOCREATEDB PASSWORD '${secret}'`);
      await client.query(`GRANT SELECT ON _prisma_migrations TO ${role}`);
      await client.query(
        `ALTER DATABASE ${client.escapeIdentifier(new URL(database.url).pathname.slice(1))} OWNER TO ${role}`,
      );
    });
    try {
      const owner = new URL(database.url);
      owner.username = role;
      owner.password = secret;
      const env = { ...process.env, DATABASE_URL: owner.toString(), SHADOW_DATABASE_URL: '' };
      const run = spawnSync(...scriptCommand('lint-migrations', ['--all'], copy.dir), {
        cwd: copy.dir,
        encoding: 'utf8',
        env,
      });
      expect(run.status).toBe(1);
      expect(run.stderr.trim().split('\n')).toEqual([
        'error: the drift check (prisma migrate diff) failed: P3014: Migrate could not create its shadow database (ERROR: permission denied to create database). Set SHADOW_DATABASE_URL to an empty database this role owns (.env.example says how), or lint without the database checks: npm run migrate:lint -- --no-database.',
      ]);
    } finally {
      await withPgClient(database.url, async (client) => {
        await client.query(
          `ALTER DATABASE ${client.escapeIdentifier(new URL(database.url).pathname.slice(1))} OWNER TO CURRENT_USER`,
        );
        await client.query(`DROP OWNED BY ${role}`);
        await client.query(`DROP ROLE ${role}`);
      });
    }
  });

  it('rejects an unknown option in one line', () => {
    const run = lint(database.url, '--everything');
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(/^error: Unknown option '--everything'.*Usage: npm run migrate:lint/);
  });
});
