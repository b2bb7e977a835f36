/**
 * A walk: `npm run migrate:lint` on a git branch, as in a pull request. It lints only what the
 * branch adds, flags an edited migration and schema drift, and names the migration a history
 * can't be replayed at. Each lint runs the drift check (a Prisma command replaying the history).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { withDatabase } from '#kit/db/connection-url.ts';
import { scriptCommand } from '#kit/script-command.ts';
import { copyProject } from '../support/project-copy.ts';
import { gitIn, startBranchFromMain } from '../support/git-in.ts';

describe('npm run migrate:lint on a branch', () => {
  const copy = copyProject('lint-branch', { demo: true });
  afterAll(() => copy.remove());
  const lint = (...args: string[]) =>
    spawnSync(...scriptCommand('lint-migrations', args, copy.dir), {
      cwd: copy.dir,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: withDatabase(inject('testServerUrl'), 'postgres') },
    });

  it('lints only what the branch adds, and flags an edited migration and schema drift', () => {
    startBranchFromMain(copy.dir);
    expect(lint('--no-database').stdout).toMatch(/^0 migration\(s\) linted \(not on main; SQL rules only/m);

    const added = join(copy.dir, 'prisma', 'migrations', '29990101000000_posts_title_index');
    mkdirSync(added);
    writeFileSync(
      join(added, 'migration.sql'),
      `SET lock_timeout = '3s';\nSET statement_timeout = '5s';\nCREATE INDEX "posts_title_idx" ON "posts" ("title");\n`,
    );
    const edited = `prisma/migrations/${
      readdirSync(join(copy.dir, 'prisma', 'migrations'))
        .filter((name) => /^\d/.test(name))
        .sort()[1]
    }/migration.sql`;
    appendFileSync(join(copy.dir, edited), '-- a harmless-looking comment\n');
    appendFileSync(join(copy.dir, 'prisma', 'schema.prisma'), '\nmodel Orphan {\n  id Int @id\n}\n');

    const run = lint();
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      'prisma/migrations/29990101000000_posts_title_index/migration.sql:3  require-concurrent-index-creation',
    );
    expect(run.stdout).toContain(`${edited}:1  applied-migration-edited`);
    expect(run.stdout).toContain('prisma/schema.prisma:1  schema-drift');
    expect(run.stderr).toMatch(
      /error: 1 migration\(s\) linted \(not on main; SQL rules, drift, applied checksums\): 3 finding\(s\)/,
    );
    // The generated index is one --fix rewrites; the summary says so (the edited one is on main).
    expect(run.stderr).toContain(
      '`npm run migrate:lint -- --fix` rewrites 29990101000000_posts_title_index into the safe sequence.',
    );

    // A rule the service's policy turns off (kit.config.ts): its findings are left out and counted.
    const config = join(copy.dir, 'kit.config.ts');
    const original = readFileSync(config, 'utf8');
    writeFileSync(
      config,
      original.replace(
        '  referenceTables,\n',
        "  referenceTables,\n  policy: { lintRulesOff: { 'require-concurrent-index-creation': 'every table of this service is small' } },\n",
      ),
    );
    const off = lint('--no-database');
    writeFileSync(config, original);
    expect(off.stdout).not.toContain('require-concurrent-index-creation\n');
    expect(off.stdout + off.stderr).toContain(
      'off in kit.config.ts: require-concurrent-index-creation ×1 (every table of this service is small)',
    );

    // A history that can't be replayed: the migration and PostgreSQL's reason, and the SQL findings too.
    const broken = join(copy.dir, 'prisma', 'migrations', '29990101000001_broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'migration.sql'), 'UPDATE "users" SET "editd" = 1;\n');
    const replay = lint();
    expect(replay.status).toBe(1);
    expect(replay.stdout).toMatch(
      /29990101000001_broken\/migration\.sql:1 {2}history-does-not-replay\n.*ERROR: column "editd" of relation "users" does not exist/,
    );
    expect(replay.stdout).toContain(
      '29990101000000_posts_title_index/migration.sql:3  require-concurrent-index-creation',
    );
  });
});

describe("ci.yml's lint step on a push to main", () => {
  const copy = copyProject('lint-push', { demo: true });
  afterAll(() => copy.remove());
  const git = (...args: string[]) => gitIn(copy.dir)(...args).stdout.trim();
  /** The step's own shell script, as ci.yml has it, run the way a runner runs it. */
  const step = (env: Record<string, string>) => {
    const workflow = parse(readFileSync(join(copy.dir, '.github', 'workflows', 'ci.yml'), 'utf8')) as {
      jobs: { migrations: { steps: Array<{ name?: string; run?: string }> } };
    };
    const script = workflow.jobs.migrations.steps.find((s) => s.name?.startsWith('Lint new migrations'))!.run!;
    return spawnSync('bash', ['-e', '-c', script], {
      cwd: copy.dir,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: withDatabase(inject('testServerUrl'), 'postgres'), ...env },
    });
  };

  it('lints what the push added to main, which comparing main with itself would miss', () => {
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'main before the push');
    const before = git('rev-parse', 'HEAD');
    const added = join(copy.dir, 'prisma', 'migrations', '29990101000000_posts_title_index');
    mkdirSync(added);
    writeFileSync(
      join(added, 'migration.sql'),
      `SET lock_timeout = '3s';\nSET statement_timeout = '5s';\nCREATE INDEX "posts_title_idx" ON "posts" ("title");\n`,
    );
    git('add', '-A');
    git('commit', '-q', '-m', 'merged: an index');

    const pushed = step({ EVENT: 'push', BEFORE: before });
    expect(pushed.status).toBe(1);
    expect(pushed.stdout).toContain(
      '29990101000000_posts_title_index/migration.sql:3  require-concurrent-index-creation',
    );
    // What the step did before: main compared with main, nothing linted.
    const unaware = step({ EVENT: 'pull_request', BEFORE: '' });
    expect(unaware.stdout + unaware.stderr).toMatch(/\b0 migration\(s\) linted \(not on main/);
  });
});

describe('migrate:lint -- --fix on a branch whose schema.prisma renames a column with @map', () => {
  const copy = copyProject('lint-rename', { demo: true });
  afterAll(() => copy.remove());

  it('rewrites the drop and add Prisma generated into expand and contract, without --rename', () => {
    startBranchFromMain(copy.dir);
    // The field keeps its name; its column becomes `content`: schema.prisma proves the rename.
    const schema = join(copy.dir, 'prisma', 'schema.prisma');
    writeFileSync(
      schema,
      readFileSync(schema, 'utf8').replace(/^(\s*body\s+String\s+@default\(""\))\s*$/m, '$1 @map("content")'),
    );
    const folder = join(copy.dir, 'prisma', 'migrations', '29990101000000_posts_body_column');
    mkdirSync(folder);
    // As `prisma migrate dev --create-only` writes it for that change.
    writeFileSync(
      join(folder, 'migration.sql'),
      `-- AlterTable\nALTER TABLE "posts" DROP COLUMN "body",\nADD COLUMN     "content" TEXT NOT NULL DEFAULT '';\n`,
    );
    const run = spawnSync(...scriptCommand('lint-migrations', ['--fix', '--no-database'], copy.dir), {
      cwd: copy.dir,
      encoding: 'utf8',
    });
    expect(run.stdout).toContain('--fix 29990101000000_posts_body_column');
    expect(run.stdout).toMatch(/line 2: posts\.body → content by expand and contract, not drop and add/);
    expect(readFileSync(join(folder, 'migration.sql'), 'utf8')).toContain(
      'ALTER TABLE "posts" ADD COLUMN IF NOT EXISTS "content" text;',
    );
    expect(readFileSync(join(copy.dir, 'src', 'backfills', 'posts-content.ts'), 'utf8')).toContain(
      `set: '"content" = "body"'`,
    );
  });
});
