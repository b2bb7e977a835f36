/**
 * `npm run migrate:new`: every pattern writes folders Prisma accepts, whose SQL passes the
 * linter (except the drop reasons it leaves for a person to write) and deploys with the real
 * `prisma migrate deploy` on top of the kit's migrations; bad input changes nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadSqlParsers } from '#kit/sql/parse-statements.ts';
import { withPgClient } from '#kit/db/pg-client.ts';
import { noHistoryFacts } from '#kit/migration-lint/history-facts.ts';
import { lintMigrationFile } from '#kit/migration-lint/lint-migration-file.ts';
import { runSquawk } from '#kit/migration-lint/run-squawk.ts';
import { projectRoot } from '#kit/project-paths.ts';
import { demoMigrations } from '../support/demo-project.ts';
import { useMigratedScratchDatabases } from '../support/migrated-scratch-database.ts';
import { createScratchProject, type ScratchProject } from '../support/scratch-project.ts';
import { scriptCommand } from '#kit/script-command.ts';

const migratedScratchDatabase = useMigratedScratchDatabases();
beforeAll(() => loadSqlParsers());

function migrationNew(project: ScratchProject, ...args: string[]) {
  const backfills = join(project.dir, 'backfills');
  mkdirSync(backfills, { recursive: true });
  // The team's job list as `kit init` leaves it: the scaffolder adds the jobs it writes.
  const index = join(backfills, 'index.ts');
  if (!existsSync(index))
    writeFileSync(
      index,
      "import type { BackfillJob } from '#kit/backfill/job.ts';\n\nexport const backfillJobs: BackfillJob[] = [];\n",
    );
  const run = spawnSync(
    ...scriptCommand('migrate-new', [...args, '--migrations-dir', project.migrationsDir, '--backfills-dir', backfills]),
    { cwd: projectRoot, encoding: 'utf8' },
  );
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const newFolders = (project: ScratchProject) =>
  readdirSync(project.migrationsDir)
    .filter((name) => /^\d/.test(name) && !demoMigrations.includes(name))
    .sort();

describe('npm run migrate:new', () => {
  it('scaffolds every pattern into migrations that lint clean and deploy', async () => {
    const { project, url } = await migratedScratchDatabase('scaffold', demoMigrations);
    await withPgClient(url, (client) =>
      client.query(`INSERT INTO users (email, display_name) VALUES ('a@example.test', 'A')`),
    );

    const steps = [
      ['concurrent-index', 'posts_title_index', '--table', 'posts', '--columns', 'title'],
      [
        'add-column',
        'users_nickname',
        '--table',
        'users',
        '--column',
        'nickname',
        '--type',
        'text',
        '--default',
        "'none'",
      ],
      [
        'not-null',
        'users_nickname_required',
        '--table',
        'users',
        '--column',
        'nickname',
        '--backfill',
        'user-nickname',
      ],
      [
        'rename-expand',
        'posts_headline_expand',
        '--table',
        'posts',
        '--column',
        'title',
        '--to',
        'headline',
        '--type',
        'text',
      ],
      ['rename-contract', 'posts_title_contract', '--table', 'posts', '--column', 'title', '--to', 'headline'],
      ['drop', 'users_nickname_drop', '--table', 'users', '--column', 'nickname'],
    ];
    const printed: Record<string, string> = {};
    for (const args of steps) {
      const run = migrationNew(project, ...args);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^created prisma\/migrations\/\d{14}_/);
      printed[args[0]!] = run.stdout;
    }
    // A column whose name is already the field's needs no @map; a snake_case one does.
    expect(printed['add-column']).toContain(
      'next: Add the field to schema.prisma as optional (with @default if you gave --default): `nickname`.',
    );
    expect(printed['rename-expand']).toContain('`headline`.');
    // not-null with --backfill writes the job stub and says the order: job, backfill, then migrate.
    const stub = join(project.dir, 'backfills', 'user-nickname.ts');
    expect(printed['not-null']).toMatch(/created .*backfills\/user-nickname\.ts/);
    expect(printed['not-null']).toMatch(
      /Write the value in src\/backfills\/user-nickname\.ts[\s\S]*npm run backfill -- user-nickname[\s\S]*then: npm run migrate:lint, and npx prisma migrate dev/,
    );
    expect(existsSync(stub)).toBe(true);
    expect(readFileSync(join(project.dir, 'backfills', 'index.ts'), 'utf8')).toContain(
      "import { userNickname } from './user-nickname.ts';\n\nexport const backfillJobs: BackfillJob[] = [userNickname];",
    );
    const { userNickname } = (await import(stub)) as { userNickname: { name: string; table: string; pending: string } };
    expect(userNickname).toMatchObject({ name: 'user-nickname', table: 'users', pending: '"nickname" IS NULL' });
    const folders = newFolders(project);
    expect(folders.map((folder) => folder.slice(15))).toEqual([
      'posts_title_index',
      'users_nickname',
      'users_nickname_required_check_not_valid',
      'users_nickname_required_validate_check',
      'users_nickname_required_set_not_null',
      'posts_headline_expand',
      'posts_title_contract',
      'users_nickname_drop',
    ]);

    // Clean, except the drops: their lint-ignore reason is a TODO for a person, so it silences nothing.
    const checks = noHistoryFacts();
    for (const folder of folders) {
      const file = relative(projectRoot, join(project.migrationsDir, folder, 'migration.sql'));
      const findings = await lintMigrationFile({ file, sql: readFileSync(file, 'utf8') }, runSquawk([file]), checks);
      const expected = /_contract$|_drop$/.test(folder) ? ['ban-drop-column', 'ignore-without-reason'] : [];
      expect(findings.map((finding) => finding.rule).sort(), folder).toEqual(expected);
    }
    for (const folder of folders.filter((name) => /_contract$|_drop$/.test(name))) {
      const path = join(project.migrationsDir, folder, 'migration.sql');
      writeFileSync(
        path,
        readFileSync(path, 'utf8').replace(
          /TODO say which release stopped using/,
          'the previous release stopped using',
        ),
      );
    }

    // The guard stops the NOT NULL step while the existing user's nickname is NULL ...
    const blocked = await project.prisma(url, 'migrate', 'deploy');
    expect(blocked.code).not.toBe(0);
    expect(blocked.stdout + blocked.stderr).toContain(
      'users.nickname still has NULL rows: run `npm run backfill -- user-nickname`',
    );
    // ... and after the backfill and the documented resolve, the rest deploys.
    await withPgClient(url, (client) => client.query(`UPDATE users SET nickname = 'none' WHERE nickname IS NULL`));
    const failed = folders.find((folder) => folder.endsWith('_check_not_valid')) as string;
    expect((await project.prisma(url, 'migrate', 'resolve', '--rolled-back', failed)).code).toBe(0);
    const deploy = await project.prisma(url, 'migrate', 'deploy');
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);

    const columns = await withPgClient(url, async (client) =>
      (
        await client.query(
          `SELECT table_name || '.' || column_name AS c FROM information_schema.columns WHERE column_name IN ('title', 'headline', 'nickname') ORDER BY 1`,
        )
      ).rows.map((row) => row.c),
    );
    expect(columns).toEqual(['posts.headline']);

    // The kit's migrations and the scaffolded ones replay as the native engine would: into a
    // shadow database (exit 2: replayed, and different from the scratch project's empty schema)
    // and on reset.
    const replay = await project.prisma(
      url,
      'migrate',
      'diff',
      '--from-migrations',
      'migrations',
      '--to-schema',
      'schema.prisma',
      '--exit-code',
    );
    expect(replay.code, replay.stdout + replay.stderr).toBe(2);
    const reset = await project.prisma(url, 'migrate', 'reset', '--force');
    expect(reset.code, reset.stdout + reset.stderr).toBe(0);
  }, 300_000); // 8 migrations deployed and replayed: 40–65 s quiet, 100 s with a CPU hog per core

  it('refuses what it cannot use, in one line, and writes nothing', async () => {
    // No database: every case is refused before one would be needed.
    const project = createScratchProject('scaffold_bad');
    onTestFinished(() => project.remove());
    project.copyDemoMigration(demoMigrations[0]!);
    const cases: Array<[string[], RegExp]> = [
      [
        ['make-it-fast', 'x', '--table', 'posts'],
        /^error: Unknown pattern "make-it-fast"\. Patterns: concurrent-index, add-column, not-null/,
      ],
      [
        ['concurrent-index', 'Posts-Index', '--table', 'posts', '--columns', 'title'],
        /^error: Migration name "Posts-Index" must be snake_case/,
      ],
      [
        ['concurrent-index', 'posts_title_index', '--table', 'posts'],
        /^error: concurrent-index needs --columns\. See docs\/migrations\/index-without-blocking-writes\.md\.$/,
      ],
      [
        ['add-column', 'users_x', '--table', 'users; DROP TABLE users', '--column', 'x', '--type', 'text'],
        /^error: --table "users; DROP TABLE users" is not a snake_case PostgreSQL name/,
      ],
      [
        [
          'add-column',
          'users_x',
          '--table',
          'users',
          '--column',
          'x',
          '--type',
          'text',
          '--default',
          "'a'; DROP TABLE users",
        ],
        /^error: --default must be one SQL expression/,
      ],
      [
        ['add-column', 'init', '--table', 'users', '--column', 'x', '--type', 'text'],
        /^error: A migration named init already exists/,
      ],
      [['drop', 'x', '--table', 'users', '--bogus'], /^error: Unknown option '--bogus'/],
    ];
    const before = readdirSync(project.migrationsDir);
    for (const [args, message] of cases) {
      const run = migrationNew(project, ...args);
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(run.stderr.trim()).toMatch(message);
    }
    expect(readdirSync(project.migrationsDir)).toEqual(before);
  });
});
