/**
 * `npm run migrate:new`: every pattern writes folders Prisma accepts, whose SQL passes the
 * linter (except the drop reasons it leaves for a person to write) and deploys with the real
 * `prisma migrate deploy` on top of the kit's migrations; the command prints what it wrote and
 * what comes next, and bad input changes nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadSqlParsers } from '#kit/sql/parse-statements.ts';
import { withPgClient } from '#kit/db/pg-client.ts';
import { noHistoryFacts } from '#kit/migration-lint/history-facts.ts';
import { lintMigrationFile } from '#kit/migration-lint/lint-migration-file.ts';
import { runSquawk } from '#kit/migration-lint/run-squawk.ts';
import { projectRoot } from '#kit-test/support/checkout.ts';
import { demoMigrations } from '../support/demo-project.ts';
import { useMigratedScratchDatabases } from '../support/migrated-scratch-database.ts';
import type { ScratchProject } from '../support/scratch-project.ts';
import { copyProject, type ProjectCopy } from '../support/project-copy.ts';
import { type ScaffoldRequest, scaffoldMigration } from '#kit/migration-scaffold/scaffold-migration.ts';
import { scriptCommand } from '#kit/script-command.ts';

const migratedScratchDatabase = useMigratedScratchDatabases();
beforeAll(() => loadSqlParsers());

/** The scaffolder itself, pointed at the scratch project's folders (the CLI is walked below). */
function scaffold(project: ScratchProject, pattern: string, name: string, args: ScaffoldRequest['args']) {
  const backfillsDir = join(project.dir, 'backfills');
  mkdirSync(backfillsDir, { recursive: true });
  // The team's job list as `kit init` leaves it: the scaffolder adds the jobs it writes.
  const index = join(backfillsDir, 'index.ts');
  if (!existsSync(index))
    writeFileSync(
      index,
      "import type { BackfillJob } from '#kit/backfill/job.ts';\n\nexport const backfillJobs: BackfillJob[] = [];\n",
    );
  return scaffoldMigration({ pattern, name, args, migrationsDir: project.migrationsDir, backfillsDir });
}

/** The real command, in a copy of the checkout holding the demo project. */
function migrateNew(copy: ProjectCopy, ...args: string[]) {
  const run = spawnSync(...scriptCommand('migrate-new', args, copy.dir), { cwd: copy.dir, encoding: 'utf8' });
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

    const steps: Array<[string, string, ScaffoldRequest['args']]> = [
      ['concurrent-index', 'posts_title_index', { table: 'posts', columns: ['title'] }],
      ['add-column', 'users_nickname', { table: 'users', column: 'nickname', type: 'text', default: "'none'" }],
      ['not-null', 'users_nickname_required', { table: 'users', column: 'nickname', backfill: 'user-nickname' }],
      ['rename-expand', 'posts_headline_expand', { table: 'posts', column: 'title', to: 'headline', type: 'text' }],
      ['rename-contract', 'posts_title_contract', { table: 'posts', column: 'title', to: 'headline' }],
      ['drop', 'users_nickname_drop', { table: 'users', column: 'nickname' }],
    ];
    const next: Record<string, string> = {};
    const files: string[] = [];
    for (const [pattern, name, args] of steps) {
      const result = scaffold(project, pattern, name, args);
      next[pattern] = result.next.join('\n');
      files.push(...result.files);
    }
    // A column whose name is already the field's needs no @map; a snake_case one does.
    expect(next['add-column']).toContain(
      'Add the field to schema.prisma as optional (with @default if you gave --default): `nickname`.',
    );
    expect(next['rename-expand']).toContain('`headline`.');
    // not-null with --backfill writes the job stub and says the order: job, backfill, then migrate.
    const stub = join(project.dir, 'backfills', 'user-nickname.ts');
    expect(files).toEqual([stub]);
    expect(next['not-null']).toMatch(
      /Write the value in src\/backfills\/user-nickname\.ts[\s\S]*npm run backfill -- user-nickname/,
    );
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

  it('the command prints what it wrote and the next steps; bad input is refused in one line and writes nothing', () => {
    const copy = copyProject('migrate-new', { demo: true });
    onTestFinished(() => copy.remove());
    const migrations = join(copy.dir, 'prisma', 'migrations');

    const index = migrateNew(copy, 'concurrent-index', 'posts_title_index', '--table', 'posts', '--columns', 'title');
    expect(index.stderr).toBe('');
    expect(index.code).toBe(0);
    expect(index.stdout).toMatch(/^created prisma\/migrations\/\d{14}_posts_title_index\/migration\.sql\n/);
    expect(index.stdout).toContain('then: npm run migrate:lint, and npx prisma migrate dev to apply');
    const backfilled = migrateNew(
      copy,
      ...[
        'not-null',
        'users_nickname_required',
        '--table',
        'users',
        '--column',
        'nickname',
        '--backfill',
        'user-nickname',
      ],
    );
    expect(backfilled.code, backfilled.stderr).toBe(0);
    expect(backfilled.stdout).toContain('created src/backfills/user-nickname.ts\n');
    expect(backfilled.stdout).toMatch(/next: Write the value in src\/backfills\/user-nickname\.ts/);
    expect(existsSync(join(copy.dir, 'src', 'backfills', 'user-nickname.ts'))).toBe(true);

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
      // The test-only path flags it once had are gone: the settings say where the folders are.
      [['drop', 'x', '--table', 'users', '--migrations-dir', '/tmp'], /^error: Unknown option '--migrations-dir'/],
    ];
    const before = readdirSync(migrations);
    for (const [args, message] of cases) {
      const run = migrateNew(copy, ...args);
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(run.stderr.trim()).toMatch(message);
    }
    expect(readdirSync(migrations)).toEqual(before);
  });

  it("writes a not-null pattern's job stub where no backfill folder exists yet, and says to list it", () => {
    const scratch = mkdtempSync(join(tmpdir(), 'scaffold-no-backfills-'));
    onTestFinished(() => rmSync(scratch, { recursive: true, force: true }));
    const migrationsDir = join(scratch, 'migrations');
    mkdirSync(migrationsDir);
    const backfillsDir = join(scratch, 'src', 'backfills');
    const result = scaffoldMigration({
      pattern: 'not-null',
      name: 'users_nickname',
      args: { table: 'users', column: 'nickname', backfill: 'users-nickname' },
      migrationsDir,
      backfillsDir,
    });
    expect(result.folders).toHaveLength(3);
    expect(result.files).toEqual([join(backfillsDir, 'users-nickname.ts')]);
    expect(readFileSync(join(backfillsDir, 'users-nickname.ts'), 'utf8')).toContain("name: 'users-nickname'");
    expect(result.next[0]).toBe(
      "Add users-nickname.ts to src/backfills/index.ts (its list wasn't in the shape the kit edits).",
    );
  });
});
