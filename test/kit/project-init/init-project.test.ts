/**
 * A team's first day and first kit update, on a fresh clone (a copy of the checkout on the demo
 * project, under the kit's package name): `npm run kit -- init`
 * squashes the demo history into a baseline that builds the same database, drops the demo jobs,
 * and does nothing the second time; `npm run kit -- update` then takes a newer kit (made here from
 * the checkout, with a changed, an added and a dropped file and a new script) without touching
 * the team's files; and the copy still type-checks, lints, has no drift, and its tests pass.
 * Only the team's own tests (test/factories) run again in the copy, after `npm run setup` there:
 * the kit's tests are the same files on the same demo fixtures whatever init did to the project,
 * and the whole suite inside the suite would double `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withDatabase } from '#kit/db/connection-url.ts';
import { withPgClient } from '#kit/db/pg-client.ts';
import { dropDatabase } from '#kit/db/scratch-databases.ts';
import { scriptCommand } from '#kit/script-command.ts';
import { projectRoot } from '#kit-test/support/checkout.ts';
import { KIT_PACKAGE_NAME } from '#kit/project-init/init-project.ts';
import { cloneDemoDatabase } from '../setup/test-database.ts';
import { TEST_DATABASE_PREFIX } from '../setup/test-server.ts';
import { copyProject } from '../support/project-copy.ts';

// A fresh clone of the kit is its machinery and the demo project, under the kit's package name,
// whatever this checkout has become.
const freshClone = (name: string) => {
  const clone = copyProject(name, { demo: true });
  const packagePath = join(clone.dir, 'package.json');
  writeFileSync(
    packagePath,
    `${JSON.stringify({ ...JSON.parse(readFileSync(packagePath, 'utf8')), name: KIT_PACKAGE_NAME }, null, 2)}\n`,
  );
  return clone;
};
const copy = freshClone('init-project');
const kit = freshClone('init-project-newer-kit');
const commit = 'git -c user.name=kit -c user.email=kit@example.test commit -q';
const kitVersion: string = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).kit.version;
const baselineUrl = withDatabase(inject('testServerUrl'), `${TEST_DATABASE_PREFIX}init_baseline_${process.pid}`);
afterAll(async () => {
  copy.remove();
  kit.remove();
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
const shIn = (dir: string, command: string, extraEnv: Record<string, string> = {}) => {
  const run = spawnSync('bash', ['-c', command], { cwd: dir, encoding: 'utf8', env: { ...env, ...extraEnv } });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
};
const sh = (command: string, extraEnv: Record<string, string> = {}) => shIn(copy.dir, command, extraEnv);

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

describe('npm run kit -- init', () => {
  beforeAll(() => {
    // A clone is a git repository: the linter and the tests' project copies list files with git.
    for (const command of ['git init -q -b main', 'git add -A', `${commit} -m kit`]) {
      const run = sh(command);
      expect(run.code, run.out).toBe(0);
    }
  });

  it('refuses a name npm would refuse, in one line, and changes nothing', () => {
    const run = init('--name', 'Team Service');
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      'error: "Team Service" is not a valid npm package name. Use lowercase letters, digits, - . _ (e.g. --name billing-service).',
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
      "src/backfills: demo jobs user-timezone, user-display-name, post-slug removed; index.ts lists no jobs; src/posts/post-slug.ts (the post-slug job's app code) removed",
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

  it('npm run kit -- update takes a newer kit: its files and scripts in, what it dropped out, the team files untouched', () => {
    // The team's first commit: the linter compares against main, where the demo history was.
    expect(sh(`git add -A && ${commit} -m init`).code).toBe(0);
    const teamFiles = ['kit.config.ts', 'src/backfills/index.ts', 'prisma/schema.prisma'];
    const before = teamFiles.map((file) => readFileSync(join(copy.dir, file), 'utf8'));

    // A newer kit: a changed module, a new one, a test it dropped, a new script, a changed workflow.
    const newer = (command: string) => {
      const run = shIn(kit.dir, command);
      expect(run.code, run.out).toBe(0);
    };
    newer(`git init -q -b main && git add -A && ${commit} -m kit`);
    newer(`echo '// changed in the newer kit' >> src/kit/progress.ts`);
    newer(`echo 'export const addedInTheNewerKit = true;' > src/kit/added-module.ts`);
    // … and a new command that uses it (a module nothing imports would fail code:check's knip).
    newer(
      `printf "import { addedInTheNewerKit } from '#kit/added-module.ts';\\nif (addedInTheNewerKit) console.log('hello from the newer kit');\\n" > scripts/kit-hello.ts`,
    );
    newer('git rm -q test/kit/sql/quote-identifier.test.ts');
    newer(`echo '# changed in the newer kit' >> .github/workflows/ci.yml`);
    const kitPackage = JSON.parse(readFileSync(join(kit.dir, 'package.json'), 'utf8'));
    kitPackage.kit.version = `${kitVersion}-newer`;
    kitPackage.scripts['kit:hello'] = 'node --liftoff-only scripts/run.mjs kit-hello';
    writeFileSync(join(kit.dir, 'package.json'), `${JSON.stringify(kitPackage, null, 2)}\n`);
    newer(`git add -A && ${commit} -m newer`);

    const refused = sh('npm run --silent kit update -- kit/main');
    expect(refused.code).toBe(1);
    expect(refused.out.trim().split('\n').at(-1)).toMatch(/^error: No commit named kit\/main here: git remote add kit/);

    expect(sh(`git remote add kit ${kit.dir} && git fetch -q kit`).code).toBe(0);
    const update = sh('npm run --silent kit update -- kit/main');
    expect(update.code, update.out).toBe(0);
    expect(update.out).toContain(`kit ${kitVersion} → ${kitVersion}-newer from kit/main:`);
    expect(update.out).toContain('1 removed');
    expect(update.out).toContain('.github/workflows differ: merge by hand');
    expect(readFileSync(join(copy.dir, 'src/kit/progress.ts'), 'utf8')).toContain('// changed in the newer kit');
    expect(readFileSync(join(copy.dir, 'src/kit/added-module.ts'), 'utf8')).toContain('addedInTheNewerKit');
    expect(() => readFileSync(join(copy.dir, 'test/kit/sql/quote-identifier.test.ts'))).toThrow();
    expect(readFileSync(join(copy.dir, '.github/workflows/ci.yml'), 'utf8')).not.toContain('newer kit');
    expect(teamFiles.map((file) => readFileSync(join(copy.dir, file), 'utf8'))).toEqual(before);
    const pkg = JSON.parse(readFileSync(join(copy.dir, 'package.json'), 'utf8'));
    expect([pkg.name, pkg.kit.version]).toEqual(['team-service', `${kitVersion}-newer`]);
    expect(sh('npm run --silent kit:hello').out).toContain('hello from the newer kit');
    expect(sh(`git add -A && ${commit} -m 'kit update'`).code).toBe(0);
  });

  it('leaves a project that sets up, type-checks, lints clean (drift included), and passes its tests', async () => {
    // The copy has no generated client, as on a fresh clone: setup generates it, then seeds with it.
    const setupUrl = withDatabase(inject('testServerUrl'), `${TEST_DATABASE_PREFIX}init_setup_${process.pid}`);
    try {
      for (const [command, extraEnv] of [
        ['npm run --silent setup', { DATABASE_URL: setupUrl }],
        ['npx tsc -p .', {}],
        // code:check's dead-code check: nothing kit init left behind is unused.
        ['npx knip --no-progress', {}],
        ['npm run --silent migrate:lint -- --all', {}],
        ['npm run --silent backfill -- --list', {}],
      ] as const) {
        const run = sh(command, extraEnv);
        expect(run.code, `${command}\n${run.out}`).toBe(0);
      }
    } finally {
      await dropDatabase(setupUrl);
    }
    // The team's own tests, on templates migrated there: the baseline, and the demo history by
    // migrate deploy (not a clone: the histories now differ). Setup above already ran the
    // reference seed and built the dev dataset with the factories.
    const tests = sh('npx vitest run --project kit test/factories', {
      TEST_DATABASE_URL: inject('testServerUrl'),
      KIT_TEST_DATABASE_PREFIX: `${TEST_DATABASE_PREFIX}init_${process.pid}_`,
    });
    expect(tests.code, tests.out).toBe(0);
    expect(stripVTControlCharacters(tests.out)).toMatch(/Test Files {2}1 passed \(1\)/);
  }, 360_000); // setup, tsc, lint and a nested vitest: 31–45 s quiet, 151 s with a CPU hog per core
});
