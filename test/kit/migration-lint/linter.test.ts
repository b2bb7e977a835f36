/**
 * The migration linter: every blocking operation in the corpus is flagged with the right rule,
 * safe variants are not, silencing needs a reason, and the kit's own migrations pass the real
 * `npm run lint:migrations -- --all` against a migrated database.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadSqlParsers } from '#kit/sql/parse-statements.ts';
import { withPgClient } from '#kit/db/pg-client.ts';
import { collectHistoryFacts, copyFacts, noHistoryFacts } from '#kit/migration-lint/history-facts.ts';
import { migrationFolders, migrationSql } from '#kit/migrations/migration-folders.ts';
import { demoMigrationsDir } from '../support/demo-project.ts';
import { lintMigrationFile } from '#kit/migration-lint/lint-migration-file.ts';
import { RULES } from '#kit/migration-lint/rules.ts';
import { runSquawk, type SquawkFinding } from '#kit/migration-lint/run-squawk.ts';
import { projectRoot } from '#kit/project-paths.ts';
import { useTestDatabase } from '../setup/test-database.ts';
import { copyProject } from '../support/project-copy.ts';
import { withDatabase } from '#kit/db/connection-url.ts';
import { scriptCommand } from '#kit/script-command.ts';

const corpusDir = join(import.meta.dirname, 'corpus');
const corpus = readdirSync(corpusDir)
  .filter((name) => name.endsWith('.sql'))
  .sort();

// The corpus is written against the demo project's tables, and linted as its next migration: what
// its history established (column types, validated NOT NULL checks) is known, as in a real project.
const demoHistory = noHistoryFacts();
const corpusFile = (name: string) => relative(projectRoot, join(corpusDir, name));
// One squawk run over the whole corpus, as lint:migrations runs it over a branch's files.
let squawkFindings: SquawkFinding[] = [];

function lintCorpusFile(name: string) {
  const file = corpusFile(name);
  const sql = readFileSync(join(projectRoot, file), 'utf8');
  const squawk = squawkFindings.filter((finding) => finding.file === file);
  return { sql, findings: lintMigrationFile({ file, sql }, squawk, copyFacts(demoHistory)) };
}

const expected = (sql: string) => {
  const rules = /^-- expect: (.*)$/m.exec(sql)![1]!.trim();
  return rules === 'none'
    ? []
    : rules
        .split(',')
        .map((rule) => rule.trim())
        .sort();
};

describe('migration linter: test corpus', () => {
  beforeAll(async () => {
    await loadSqlParsers();
    for (const name of migrationFolders(demoMigrationsDir))
      collectHistoryFacts(migrationSql(name, demoMigrationsDir), demoHistory);
    squawkFindings = runSquawk(corpus.map(corpusFile));
  });

  it("every case names its source, and the linter playbook's table gives every case its verdict", () => {
    const playbook = readFileSync(join(projectRoot, 'docs', 'migrations', 'migration-linter.md'), 'utf8');
    const table = new Map(
      [...playbook.matchAll(/^\| `([\w-]+)` \| ([^|]+) \|/gm)].map(([, name, verdict]) => [name!, verdict!.trim()]),
    );
    for (const name of corpus) {
      const sql = readFileSync(join(corpusDir, name), 'utf8');
      expect(sql, name).toMatch(/^-- source: \S/m);
      expect(table.get(name.replace(/\.sql$/, '')), name).toBe(/^-- expect: (.*)$/m.exec(sql)![1]!.trim());
    }
  });

  it.each(corpus)('%s', (name) => {
    const { sql, findings } = lintCorpusFile(name);
    expect([...new Set(findings.map((finding) => finding.rule))].sort()).toEqual(expected(sql));
    for (const finding of findings) {
      // Every finding names its line, and the catalog gives it a lock and a recipe.
      expect(finding.line).toBeGreaterThan(0);
      expect(RULES[finding.rule], finding.rule).toBeDefined();
    }
  });

  it('points at the line the offending statement starts on', () => {
    const { sql, findings } = lintCorpusFile('concurrently-with-other-statements.sql');
    const line = sql.split('\n').findIndex((text) => text.startsWith('ALTER TABLE')) + 1;
    expect(findings.map((finding) => finding.line)).toEqual([line]);
  });
});

describe('npm run lint:migrations', () => {
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
  });

  it('rejects an unknown option in one line', () => {
    const run = lint(database.url, '--everything');
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(/^error: Unknown option '--everything'.*Usage: npm run lint:migrations/);
  });
});

describe('npm run lint:migrations on a branch', () => {
  const copy = copyProject('lint-branch', { demo: true });
  afterAll(() => copy.remove());
  const git = (...args: string[]) => {
    const run = spawnSync('git', ['-c', 'user.name=kit', '-c', 'user.email=kit@example.test', ...args], {
      cwd: copy.dir,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
  };
  const lint = (...args: string[]) =>
    spawnSync(...scriptCommand('lint-migrations', args, copy.dir), {
      cwd: copy.dir,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: withDatabase(inject('testServerUrl'), 'postgres') },
    });

  it('lints only what the branch adds, and flags an edited migration and schema drift', () => {
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'main');
    git('checkout', '-q', '-b', 'feature');
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
