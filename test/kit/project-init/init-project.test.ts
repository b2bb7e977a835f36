/**
 * `npm run init:project` on a copy of the checkout, as a team runs it on a fresh clone: the demo
 * history squashed into a baseline that builds the same database, the demo jobs gone, a second run
 * a no-op; then the copy still type-checks, lints, has no drift, and its tests pass there. Only
 * the tests that read the project's own schema, factories and seeds run again in the copy (with
 * one machinery test, which builds its demo template by `migrate deploy` there instead of a
 * clone): the rest are the same files on the same demo fixtures, and the whole suite inside the
 * suite would double `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withDatabase } from '#kit/db/connection-url.ts';
import { withPgClient } from '#kit/db/pg-client.ts';
import { dropDatabase } from '#kit/db/scratch-databases.ts';
import { scriptCommand } from '#kit/script-command.ts';
import { projectRoot } from '#kit/project-paths.ts';
import { cloneDemoDatabase } from '../setup/test-database.ts';
import { TEST_DATABASE_PREFIX } from '../setup/test-server.ts';
import { copyProject } from '../support/project-copy.ts';

const copy = copyProject('init-project');
const kitVersion: string = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).kit.version;
const baselineUrl = withDatabase(inject('testServerUrl'), `${TEST_DATABASE_PREFIX}init_baseline_${process.pid}`);
afterAll(async () => {
  copy.remove();
  await dropDatabase(baselineUrl);
});

const env = { ...process.env, DATABASE_URL: baselineUrl, KIT_QUIET_ENGINE_LINE: '1' };
// init only diffs from nothing; the engine still connects, to a database that exists.
const init = (...args: string[]) =>
  spawnSync(...scriptCommand('init-project', args, copy.dir), {
    cwd: copy.dir,
    encoding: 'utf8',
    env: { ...env, DATABASE_URL: inject('testServerUrl') },
  });
const sh = (command: string, extraEnv: Record<string, string> = {}) => {
  const run = spawnSync('bash', ['-c', command], { cwd: copy.dir, encoding: 'utf8', env: { ...env, ...extraEnv } });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
};

/**
 * Everything about a schema that a migration can change, one sorted line per object. PostgreSQL 18
 * names NOT NULL constraints itself (`…_not_null1` where the phased pattern's check once took
 * `…_not_null`), so those are compared by column.
 */
const catalog = (url: string) =>
  withPgClient(url, async (client) =>
    (
      await client.query<{ line: string }>(`
        SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS line
          FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
        UNION ALL SELECT 'constraint ' || conrelid::regclass || ' ' || CASE WHEN contype = 'n' THEN '' ELSE conname END || ' ' || pg_get_constraintdef(oid)
          FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
        UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal
        UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace
        UNION ALL SELECT 'enum ' || typname || ' ' || (SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = t.oid)
          FROM pg_type t WHERE typnamespace = 'public'::regnamespace AND typtype = 'e'
        ORDER BY 1`)
    ).rows.map((row) => row.line),
  );

describe('npm run init:project', () => {
  beforeAll(() => {
    // A clone is a git repository: the linter and the tests' project copies list files with git.
    for (const command of [
      'git init -q -b main',
      'git add -A',
      'git -c user.name=kit -c user.email=kit@example.test commit -q -m kit',
    ]) {
      const run = sh(command);
      expect(run.code, run.out).toBe(0);
    }
  });

  it('refuses a name npm would refuse, in one line, and changes nothing', () => {
    const run = init('--name', 'Team Service');
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      'error: "Team Service" is not a valid npm package name: use lowercase letters, digits, - . _ (e.g. --name billing-service).',
    );
    expect(JSON.parse(readFileSync(join(copy.dir, 'package.json'), 'utf8')).name).toBe('prisma-postgres-starter');
  });

  it('squashes the demo history into a baseline that builds the same database, drops the demo jobs, renames the package', async () => {
    const demoMigrations = readdirSync(join(copy.dir, 'prisma', 'migrations')).filter((name) => /^\d/.test(name));
    const run = init('--name', 'team-service');
    expect(run.status, run.stderr).toBe(0);
    const migrations = readdirSync(join(copy.dir, 'prisma', 'migrations')).filter((name) => /^\d/.test(name));
    expect(migrations).toHaveLength(1);
    expect(migrations[0]).toMatch(/^\d{14}_baseline$/);
    expect(run.stdout.split('\n').slice(0, 3)).toEqual([
      `package.json: name prisma-postgres-starter → team-service; "kit" keeps the kit version it came from (${kitVersion})`,
      `prisma/migrations: ${demoMigrations.length} demo migrations squashed into ${migrations[0]} (the schema as it stands, from prisma migrate diff --from-empty)`,
      'src/backfills: demo jobs user-timezone, user-display-name, post-slug removed; index.ts lists no jobs',
    ]);
    expect(readdirSync(join(copy.dir, 'src', 'backfills'))).toEqual(['index.ts']);
    const pkg = JSON.parse(readFileSync(join(copy.dir, 'package.json'), 'utf8'));
    expect([pkg.name, pkg.kit.version]).toEqual(['team-service', kitVersion]);

    const again = init();
    expect(again.status).toBe(0);
    expect(again.stdout.trim()).toBe(
      `nothing to do: already initialized (package.json name is team-service, kit ${kitVersion})`,
    );

    const deploy = sh('npx prisma migrate deploy');
    expect(deploy.code, deploy.out).toBe(0);
    const demo = await cloneDemoDatabase();
    try {
      expect(await catalog(baselineUrl)).toEqual(await catalog(demo));
    } finally {
      await dropDatabase(demo);
    }
  });

  it('leaves a project that generates, type-checks, lints clean, has no drift, and passes its tests', () => {
    for (const command of [
      // The team's first commit: the linter compares against main, where the demo history was.
      'git add -A && git -c user.name=kit -c user.email=kit@example.test commit -q -m init',
      'npx prisma generate',
      'npx tsc -p .',
      'npx prisma migrate diff --from-migrations prisma/migrations --to-schema prisma/schema.prisma --exit-code',
      'npm run --silent lint:migrations -- --all',
      'npm run --silent backfill -- --list',
    ]) {
      const run = sh(command);
      expect(run.code, `${command}\n${run.out}`).toBe(0);
    }
    const tests = sh(
      'npx vitest run --project kit test/factories test/kit/seeding test/kit/scripts/setup-and-seeds.test.ts test/kit/backfill/pressure.test.ts',
      {
        TEST_DATABASE_URL: inject('testServerUrl'),
        KIT_TEST_DATABASE_PREFIX: `${TEST_DATABASE_PREFIX}init_${process.pid}_`,
      },
    );
    expect(tests.code, tests.out).toBe(0);
    expect(stripVTControlCharacters(tests.out)).toMatch(/Test Files {2}4 passed \(4\)/);
  }, 360_000);
});
