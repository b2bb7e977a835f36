/**
 * migrate:plan's data probes on real rows: the kit's history applied, then 20,000 posts whose data
 * breaks each kind of pending statement (duplicates, NULLs, a CHECK, orphans, a required column),
 * plus the same statements where the data agrees. Each probe counts, names the statement, gives
 * the listing query, fails the plan, and changes nothing; a VALIDATE of a constraint an applied
 * migration added reads its definition from the catalog; a timeout and a sample say so.
 */
import { projectRoot } from '#kit-test/support/checkout.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPgClient } from '#kit/db/pg-client.ts';
import { formatPlan } from '#kit/migration-plan/format-plan.ts';
import { type PlanOptions, planPendingMigrations } from '#kit/migration-plan/plan-migrations.ts';
import { fillPostsByOneAuthor, migrationsWithPending } from '../support/plan-fixtures.ts';
import { useTestDatabase } from '../setup/test-database.ts';

const t = useTestDatabase({ demo: true });
const POSTS = 20_000;
let scratch: string;
let orphans = 0;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'data-probes-'));
  await fillPostsByOneAuthor(t.url, POSTS);
  await withPgClient(t.url, async (client) => {
    orphans = (
      await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM posts p WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = p.id)',
      )
    ).rows[0]!.n;
  });
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const migrationsWith = (name: string, sql: string) => migrationsWithPending(scratch, name, sql);

async function plan(dir: string, probes?: PlanOptions['probes']) {
  const result = await planPendingMigrations({
    url: t.url,
    migrationsDir: dir,
    root: projectRoot,
    maxRows: 1_000_000,
    probes,
  });
  return { problems: result.problems, text: formatPlan(result, 'test'), results: result.pending[0]!.probes };
}

const n = (value: number) => value.toLocaleString('en-US');

describe('migrate:plan data probes', () => {
  it('counts the rows that would make each statement fail, fails the plan, and lists them', async () => {
    const { problems, text } = await plan(
      migrationsWith(
        'probes_fail',
        `ALTER TABLE "posts" ADD CONSTRAINT "posts_title_short" CHECK (length("title") < 8) NOT VALID;
ALTER TABLE "posts" VALIDATE CONSTRAINT "posts_title_short";
ALTER TABLE "posts" ALTER COLUMN "slug" SET NOT NULL;
CREATE UNIQUE INDEX "posts_body_key" ON "posts"("body");
ALTER TABLE "posts" ADD COLUMN "summary" TEXT NOT NULL;
ALTER TABLE "posts" ADD CONSTRAINT "posts_id_user_fk" FOREIGN KEY ("id") REFERENCES "users"("id");
ALTER TABLE "users" DROP COLUMN "timezone";
`,
      ),
    );
    expect(problems).toBe(5);
    const lines = text.split('\n').filter((line) => line.includes('data, line'));
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^- \\*\\*✗ data, line 2:\\*\\* rows of posts breaking CHECK posts_title_short \\(length\\("title"\\) < 8\\): ${n(POSTS - 99)}: the statement fails on them\\. List them: \`SELECT \\* FROM "posts" WHERE NOT \\(length\\("title"\\) < 8\\) LIMIT 50\`$`,
        ),
      ),
      expect.stringContaining(`✗ data, line 3:** NULLs in posts.slug before SET NOT NULL: ${n(POSTS)}:`),
      expect.stringContaining(
        '✗ data, line 4:** duplicates of posts(body) before CREATE UNIQUE INDEX posts_body_key: 1: the statement fails on them. List them: `SELECT "body", count(*) AS copies FROM "posts" WHERE "body" IS NOT NULL GROUP BY "body" HAVING count(*) > 1 ORDER BY copies DESC LIMIT 50`',
      ),
      expect.stringContaining(
        `✗ data, line 5:** rows of posts, which a required summary without a default can't be added to: ${n(POSTS)}:`,
      ),
      expect.stringContaining(
        `✗ data, line 6:** rows of posts whose id has no users row, before FOREIGN KEY posts_id_user_fk: ${n(orphans)}:`,
      ),
      '- data, line 7: values DROP COLUMN users.timezone removes: 1',
    ]);
    // Read-only: nothing of the migration happened.
    const state = await withPgClient(t.url, async (client) => ({
      constraint: (await client.query(`SELECT 1 FROM pg_constraint WHERE conname = 'posts_title_short'`)).rowCount,
      timezone: (await client.query(`SELECT timezone FROM users`)).rows,
    }));
    expect(state).toEqual({ constraint: 0, timezone: [{ timezone: 'UTC' }] });
  });

  it('passes the same kinds of statement where the data agrees', async () => {
    const { problems, text } = await plan(
      migrationsWith(
        'probes_pass',
        `ALTER TABLE "posts" ADD CONSTRAINT "posts_title_long" CHECK (length("title") < 500) NOT VALID;
ALTER TABLE "posts" VALIDATE CONSTRAINT "posts_title_long";
ALTER TABLE "posts" ALTER COLUMN "title" SET NOT NULL;
CREATE UNIQUE INDEX CONCURRENTLY "posts_title_key" ON "posts"("title");
`,
      ),
    );
    expect(problems, text).toBe(0);
    expect(text.split('\n').filter((line) => line.includes('data, line'))).toEqual([
      '- data, line 2: rows of posts breaking CHECK posts_title_long (length("title") < 500): none',
      '- data, line 3: NULLs in posts.title before SET NOT NULL: none',
      '- data, line 4: duplicates of posts(title) before CREATE UNIQUE INDEX CONCURRENTLY posts_title_key: none',
    ]);
  });

  it('reads a constraint an applied migration added NOT VALID from the catalog; times out and samples, saying so', async () => {
    await withPgClient(t.url, (client) =>
      client.query(`ALTER TABLE posts ADD CONSTRAINT posts_title_tiny CHECK (length(title) < 7) NOT VALID`),
    );
    try {
      const dir = migrationsWith('probes_catalog', 'ALTER TABLE "posts" VALIDATE CONSTRAINT "posts_title_tiny";\n');
      const validate = await plan(dir);
      expect(validate.problems).toBe(1);
      // 'post 1' … 'post 9' and 'post 10' … 'post 99' are shorter than 7 characters: 99 rows pass.
      expect(validate.text).toContain(
        `✗ data, line 1:** rows of posts breaking CHECK ((length(title) < 7)): ${n(POSTS - 9)}:`,
      );
      const timedOut = await plan(dir, { timeoutMs: 1, sampleAbove: 10_000_000 });
      expect(timedOut.problems).toBe(0);
      expect(timedOut.text).toMatch(/data, line 1: .*: not checked \(timed out after 0\.001 s/);
      const sampled = await plan(dir, { timeoutMs: 10_000, sampleAbove: 1_000 });
      expect(sampled.results[0]!.sampledPercent).toBeCloseTo((100 * 1_000) / POSTS, 1);
      expect(sampled.text).toMatch(/✗ data, line 1:\*\* .*: [\d,]+ in a 5\.00% sample: the statement fails on them/);
    } finally {
      await withPgClient(t.url, (client) => client.query('ALTER TABLE posts DROP CONSTRAINT posts_title_tiny'));
    }
  });
});
