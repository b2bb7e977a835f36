/**
 * `npm run migrate:plan` against a database with real row counts: the kit's history applied, then
 * 120,000 posts; pending migrations in a copy of the migrations folder. The plan must name the
 * lock, the table and its size, fail on a write-blocking build over --max-rows, pass the safe
 * counterpart, look inside DO blocks, write the GitHub job summary, and change nothing. The first
 * case runs the command; the others call the same library in-process (spawning costs seconds).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPgClient } from '#kit/db/pg-client.ts';
import { formatPlan } from '#kit/migration-plan/format-plan.ts';
import { planPendingMigrations } from '#kit/migration-plan/plan-migrations.ts';
import { projectRoot } from '#kit-test/support/checkout.ts';
import { demoMigrationsDir } from '../support/demo-project.ts';
import { useTestDatabase } from '../setup/test-database.ts';
import { fillPostsByOneAuthor, migrationsWithPending } from '../support/plan-fixtures.ts';
import { scriptCommand } from '#kit/script-command.ts';

const t = useTestDatabase({ demo: true });
const POSTS = 120_000;
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'migrate-plan-'));
  await fillPostsByOneAuthor(t.url, POSTS);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The kit's history plus one pending migration, in a folder of its own. */
const migrationsWith = (name: string, sql: string) => migrationsWithPending(scratch, name, sql);

function plan(dir: string, ...args: string[]) {
  const summary = join(scratch, `summary-${Math.random().toString(36).slice(2)}.md`);
  const run = spawnSync(...scriptCommand('migrate-plan', ['--migrations', dir, ...args], projectRoot), {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: t.url, GITHUB_STEP_SUMMARY: summary },
  });
  return { ...run, summary: () => readFileSync(summary, 'utf8') };
}

/** The same plan in-process: exit status 1 when it found problems, as the command does. */
async function planInProcess(dir: string, maxRows = 100_000) {
  const result = await planPendingMigrations({ url: t.url, migrationsDir: dir, root: projectRoot, maxRows });
  return { status: result.problems > 0 ? 1 : 0, stdout: formatPlan(result, 'test'), stderr: '' };
}

const GUARDS = `SET lock_timeout = '2s';\nSET statement_timeout = '5s';\n`;

describe('npm run migrate:plan', () => {
  it('fails on a plain CREATE INDEX on a big table, naming lock, size and fix; changes nothing', async () => {
    const run = plan(migrationsWith('plain_index', `${GUARDS}CREATE INDEX "posts_title_idx" ON "posts"("title");\n`));
    expect(run.status, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toContain('## Migration plan: 1 pending on');
    expect(run.stdout).toMatch(
      /\| 3 \| \*\*✗\*\* CREATE INDEX \| `posts` \| 1[12]\d,\d{3} \| [\d.]+ MB \| SHARE \| writes \| builds an index/,
    );
    expect(run.stdout).toContain('Fix: build it with CREATE INDEX CONCURRENTLY');
    expect(run.stdout).toContain('Native engine: split: 3 statement(s)');
    expect(run.stdout).not.toContain(t.url.split('@')[0]!.split(':').at(-1)!); // no password
    expect(run.summary()).toContain('**✗ line 3:** CREATE INDEX holds SHARE on `posts`');
    // Read-only: the index was not built and nothing was recorded.
    const state = await withPgClient(t.url, async (client) => ({
      index: (await client.query(`SELECT to_regclass('posts_title_idx') AS i`)).rows[0].i,
      recorded: (
        await client.query(`SELECT count(*)::int AS n FROM _prisma_migrations WHERE migration_name LIKE '2999%'`)
      ).rows[0].n,
    }));
    expect(state).toEqual({ index: null, recorded: 0 });
  });

  it('passes the same index with --max-rows above the table, and the CONCURRENTLY version at the default', () => {
    const plainDir = migrationsWith(
      'plain_index_quiet',
      `${GUARDS}CREATE INDEX "posts_title_idx" ON "posts"("title");\n`,
    );
    expect(plan(plainDir, '--max-rows', '1000000').status).toBe(0);
    const safe = plan(
      migrationsWith('concurrent_index', `${GUARDS}CREATE INDEX CONCURRENTLY "posts_title_idx" ON "posts"("title");\n`),
    );
    expect(safe.status, safe.stdout + safe.stderr).toBe(0);
    expect(safe.stdout).toMatch(
      /CREATE INDEX CONCURRENTLY \| `posts` \| .* \| SHARE UPDATE EXCLUSIVE \| nothing the app does \|/,
    );
    expect(safe.stdout).toContain('No statement blocks writes on a table over 100,000 rows');
  });

  it('looks inside DO blocks, knows catalog-only changes and foreign keys, and lists linter rules', async () => {
    const run = await planInProcess(
      migrationsWith(
        'mixed',
        `${GUARDS}ALTER TABLE "posts" ADD COLUMN "summary" TEXT;
ALTER TABLE "posts" ADD CONSTRAINT "posts_author_check" FOREIGN KEY ("author_id") REFERENCES "users"("id") NOT VALID;
DO $$ BEGIN UPDATE posts SET body = 'x'; END $$;\n`,
      ),
    );
    expect(run.status, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(
      /\| 3 \| ADD COLUMN summary \| `posts` \| .* \| ACCESS EXCLUSIVE \| reads and writes \| catalog only \(ms\) \|/,
    );
    expect(run.stdout).toMatch(
      /\| 4 \| FOREIGN KEY → users NOT VALID \| `posts` \| .* \| SHARE ROW EXCLUSIVE \| writes \| catalog only \(ms\) \|/,
    );
    expect(run.stdout).toMatch(/\| 4 \| referenced by posts \| `users` \|/);
    expect(run.stdout).toMatch(
      /\*\*✗ line 5:\*\* UPDATE \(in DO\) holds ROW EXCLUSIVE on `posts`.*Fix: move it to a backfill job/,
    );
    expect(run.stdout).toContain('- linter, line 5: `data-change-in-migration`');
  });

  it('sizes a table filled since its last ANALYZE by what it holds now, not by the statistics', async () => {
    await withPgClient(t.url, async (client) => {
      await client.query('CREATE TABLE audit_events (id bigserial PRIMARY KEY, kind text NOT NULL)');
      // No autovacuum: the statistics stay those of the 60-row table, as just after a bulk load.
      await client.query('ALTER TABLE audit_events SET (autovacuum_enabled = false)');
      await client.query(`INSERT INTO audit_events (kind) SELECT 'seen' FROM generate_series(1, 60)`);
      await client.query('ANALYZE audit_events');
      await client.query(`INSERT INTO audit_events (kind) SELECT 'seen' FROM generate_series(1, 200000)`);
    });
    const run = await planInProcess(
      migrationsWith(
        'index_on_stale_stats',
        `${GUARDS}CREATE INDEX "audit_events_kind_idx" ON "audit_events"("kind");\n`,
      ),
    );
    expect(run.status, run.stdout).toBe(1);
    expect(run.stdout).toMatch(/\*\*✗\*\* CREATE INDEX \| `audit_events` \| (19\d|20\d|21\d),\d{3} \|/);
  });

  it("carries the phased NOT NULL's pending check forward: shipped in one deploy, SET NOT NULL is catalog-only", async () => {
    const dir = migrationsWith(
      'title_check_not_valid',
      `${GUARDS}ALTER TABLE "posts" ADD CONSTRAINT "posts_title_not_null" CHECK ("title" IS NOT NULL) NOT VALID;\n`,
    );
    for (const [name, sql] of [
      ['29991231000001_title_validate_check', 'ALTER TABLE "posts" VALIDATE CONSTRAINT "posts_title_not_null";'],
      ['29991231000002_title_set_not_null', 'ALTER TABLE "posts" ALTER COLUMN "title" SET NOT NULL;'],
    ] as const) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'migration.sql'), `${GUARDS}${sql}\n`);
    }
    // On a column whose rows all have a value: the data probes pass, so only the locks decide.
    const run = await planInProcess(dir);
    expect(run.stdout).toMatch(/SET NOT NULL .*\| `posts` \| .* \| ACCESS EXCLUSIVE \| .* \| catalog/);
    expect(run.status, run.stdout).toBe(0);
  });

  it('says so when nothing is pending', async () => {
    const run = await planInProcess(demoMigrationsDir);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('Nothing to apply.');
  });
});
