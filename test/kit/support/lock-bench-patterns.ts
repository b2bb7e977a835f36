/**
 * The patterns `npm run kit -- bench locks` measures, each as a naive change and the kit's safe one,
 * applied to a table of N rows while the app's writer keeps going. The safe paths run the kit's
 * own migration files (statement by statement, as Migrate runs them) and backfill jobs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BackfillRunner } from '#kit/backfill/run-backfill.ts';
import type { BackfillJob } from '#kit/backfill/job.ts';
import { userDisplayName } from '../fixtures/demo-project/src/backfills/user-display-name.ts';
import { userTimezone } from '../fixtures/demo-project/src/backfills/user-timezone.ts';
import { withPgClient } from '#kit/db/pg-client.ts';
import { fixGeneratedMigration } from '#kit/migration-fix/fix-generated-migration.ts';
import { loadSqlParsers } from '#kit/sql/parse-statements.ts';

import { runScriptLikeNativeEngine } from '#kit/sql/native-script-plan.ts';
import type { WriterWorkload } from './concurrent-writer.ts';
import { demoMigration, demoMigrationsDir } from './demo-project.ts';

export interface ChangeContext {
  /** Replaces the running writer with another release's (the rename's switch-over). */
  swapWriter(workload: WriterWorkload): Promise<void>;
  /** Called with rows done while a backfill runs. */
  onBackfillProgress(rowsDone: number): void;
}

export interface LockBenchPattern {
  key: string;
  /** The kit's migrations before this one are applied before the rows go in. */
  firstMigration: string;
  workload: WriterWorkload;
  fill(url: string, rows: number): Promise<void>;
  naive: { label: string; run(url: string, context: ChangeContext): Promise<void> };
  safe: { label: string; run(url: string, context: ChangeContext): Promise<void> };
}

/** Runs kit migrations (by name suffix) as Prisma's native engine does: split or whole, one connection. */
export async function applyDemoMigrations(url: string, suffixes: string[]): Promise<void> {
  await withPgClient(url, async (client) => {
    for (const suffix of suffixes) {
      await runScriptLikeNativeEngine(
        client,
        readFileSync(join(demoMigrationsDir, demoMigration(suffix), 'migration.sql'), 'utf8'),
      );
    }
  });
}

async function backfill(url: string, job: BackfillJob, context: ChangeContext): Promise<void> {
  const runner = await BackfillRunner.connect(url, job);
  let done = 0;
  try {
    await runner.run({
      batchSize: 2000,
      sleepMs: 0,
      onBatch: ({ rowsChanged }) => {
        done += rowsChanged;
        context.onBackfillProgress(done);
      },
    });
  } finally {
    await runner.close();
  }
}

/** What Prisma generates for `@@index([title])` and a new `reviewer` relation on Post. */
const GENERATED_INDEX_AND_FOREIGN_KEY = `ALTER TABLE "posts" ADD COLUMN "reviewer_id" INTEGER;
CREATE INDEX "posts_title_idx" ON "posts"("title");
ALTER TABLE "posts" ADD CONSTRAINT "posts_reviewer_id_fkey" FOREIGN KEY ("reviewer_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
`;

/**
 * A unique constraint written by hand (Prisma's @unique is a unique index, the index case). The
 * writer repeats one title, so the key has the id in it; the build reads the table all the same.
 */
const GENERATED_UNIQUE_CONSTRAINT = `ALTER TABLE "posts" ADD CONSTRAINT "posts_title_id_key" UNIQUE ("title", "id");
`;

/** What `--fix` makes of a generated migration, applied file after file. */
async function applyFixed(url: string, generated: string): Promise<void> {
  const outcome = fixGeneratedMigration(await loadSqlParsers(), 'generated', generated);
  if (outcome.kind !== 'fixed') throw new Error(`--fix did not rewrite the bench's migration: ${outcome.kind}`);
  await applyScripts(url, [outcome.fix.sql, ...outcome.fix.next.map((next) => next.sql)].filter(Boolean));
}

/** The posts table as the app has it before the last demo step, with `rows` posts by one author. */
async function fillPosts(url: string, rows: number): Promise<void> {
  await sql(url, `INSERT INTO users (email, display_name) VALUES ('author@example.test', 'Author')`);
  await sql(
    url,
    `INSERT INTO posts (author_id, title) SELECT (SELECT min(id) FROM users), 'Post ' || g FROM generate_series(1, ${rows}) g`,
  );
}

/** Migration files' SQL, one after another, as the native engine runs each. */
const applyScripts = (url: string, scripts: string[]) =>
  withPgClient(url, async (client) => {
    for (const script of scripts) await runScriptLikeNativeEngine(client, script);
  });

const sql = (url: string, text: string) => withPgClient(url, async (client) => void (await client.query(text)));

export const LOCK_BENCH_PATTERNS: LockBenchPattern[] = [
  {
    key: 'index',
    firstMigration: '_posts_status_created_at_index',
    workload: 'posts',
    async fill(url, rows) {
      await sql(url, `INSERT INTO users (email, name) VALUES ('author@example.test', 'Author')`);
      await sql(
        url,
        `INSERT INTO posts (author_id, title, status, created_at)
         SELECT (SELECT min(id) FROM users), 'Post ' || g, (ARRAY['DRAFT','PUBLISHED','ARCHIVED'])[1 + g % 3]::post_status, now() - g * interval '1 second'
         FROM generate_series(1, ${rows}) g`,
      );
    },
    naive: {
      label: 'CREATE INDEX',
      run: (url) => sql(url, `CREATE INDEX "posts_status_created_at_idx" ON "posts" ("status", "created_at")`),
    },
    safe: {
      label: 'CREATE INDEX CONCURRENTLY (kit migration)',
      run: (url) => applyDemoMigrations(url, ['_posts_status_created_at_index']),
    },
  },
  {
    key: 'not-null',
    firstMigration: '_users_timezone_check_not_valid',
    workload: 'usersBeforeRename',
    fill: (url, rows) =>
      sql(
        url,
        `INSERT INTO users (email, name, timezone) SELECT 'u' || g || '@example.test', 'User ' || g, NULL FROM generate_series(1, ${rows}) g`,
      ),
    naive: {
      label: 'one UPDATE, then SET NOT NULL (scan)',
      run: async (url) => {
        await sql(url, `UPDATE "users" SET "timezone" = 'UTC' WHERE "timezone" IS NULL`);
        await sql(url, `ALTER TABLE "users" ALTER COLUMN "timezone" SET NOT NULL`);
      },
    },
    safe: {
      label: 'batched backfill, CHECK NOT VALID, VALIDATE, SET NOT NULL',
      run: async (url, context) => {
        await backfill(url, userTimezone, context);
        await applyDemoMigrations(url, [
          '_users_timezone_check_not_valid',
          '_users_timezone_validate_check',
          '_users_timezone_set_not_null',
        ]);
      },
    },
  },
  {
    key: 'rename',
    firstMigration: '_users_display_name_expand',
    workload: 'usersBeforeRename',
    fill: (url, rows) =>
      sql(
        url,
        `INSERT INTO users (email, name) SELECT 'u' || g || '@example.test', 'User ' || g FROM generate_series(1, ${rows}) g`,
      ),
    naive: {
      label: 'RENAME COLUMN',
      run: (url) => sql(url, `ALTER TABLE "users" RENAME COLUMN "name" TO "display_name"`),
    },
    safe: {
      label: 'expand + trigger, backfill, NOT NULL, switch release, contract',
      run: async (url, context) => {
        await applyDemoMigrations(url, ['_users_display_name_expand']);
        await backfill(url, userDisplayName, context);
        await applyDemoMigrations(url, [
          '_users_display_name_check_not_valid',
          '_users_display_name_validate_check',
          '_users_display_name_set_not_null',
        ]);
        await context.swapWriter('users');
        await applyDemoMigrations(url, ['_users_name_contract']);
      },
    },
  },
  {
    key: 'fix',
    // The whole history but the last demo step, so posts is as busy as the app has it.
    firstMigration: '_posts_slug',
    workload: 'posts',
    fill: fillPosts,
    naive: {
      label: 'the migration as prisma migrate dev --create-only generated it',
      run: (url) => applyScripts(url, [GENERATED_INDEX_AND_FOREIGN_KEY]),
    },
    safe: {
      label: 'the same after npm run migrate:lint -- --fix',
      run: (url) => applyFixed(url, GENERATED_INDEX_AND_FOREIGN_KEY),
    },
  },
  {
    key: 'fix-unique',
    firstMigration: '_posts_slug',
    workload: 'posts',
    fill: fillPosts,
    naive: {
      label: 'ADD CONSTRAINT … UNIQUE as written',
      run: (url) => applyScripts(url, [GENERATED_UNIQUE_CONSTRAINT]),
    },
    safe: {
      label: 'the same after --fix: unique index CONCURRENTLY, then USING INDEX',
      run: (url) => applyFixed(url, GENERATED_UNIQUE_CONSTRAINT),
    },
  },
];
