/**
 * `migrate:lint --fix` on a migration as `prisma migrate dev --create-only` writes it: a new
 * model with a relation, an index and a foreign key on the busy `posts` table, plus a unique
 * constraint a person added by hand. The fixed sequence
 * must lint clean, deploy with the real `prisma migrate deploy` beside a writer on `posts` (no
 * failed write), and end with the same schema: the index valid, the constraint validated.
 * What has no mechanical fix is refused, and the file is left as it was.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPgClient } from '#kit/db/pg-client.ts';
import { applyFixes } from '#kit/migration-fix/apply-fixes.ts';
import { parseRename } from '#kit/migration-fix/rename-by-expand-contract.ts';
import { noHistoryFacts } from '#kit/migration-lint/history-facts.ts';
import { lintMigrationFiles } from '#kit/migration-lint/lint-migration-file.ts';
import { runSquawk } from '#kit/migration-lint/run-squawk.ts';
import { projectRoot } from '#kit-test/support/checkout.ts';
import { demoMigrationsDir } from '../support/demo-project.ts';
import { loadSqlParsers } from '#kit/sql/parse-statements.ts';
import { cloneDemoDatabase } from '../setup/test-database.ts';
import { startConcurrentWriter } from '../support/concurrent-writer.ts';
import { createScratchProject } from '../support/scratch-project.ts';

// As Prisma 7 generates it for: model Comment { … post Post @relation(…) @@index([postId]) },
// Post gains `reviewerId Int?` with a relation to User, and @@index([reviewerId]).
const GENERATED = `-- AlterTable
ALTER TABLE "posts" ADD COLUMN     "reviewer_id" INTEGER;

-- CreateTable
CREATE TABLE "comments" (
    "id" BIGSERIAL NOT NULL,
    "post_id" BIGINT NOT NULL,
    "body" TEXT NOT NULL,

    CONSTRAINT "comments_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "comments_post_id_idx" ON "comments"("post_id");

-- CreateIndex
CREATE INDEX "posts_reviewer_id_idx" ON "posts"("reviewer_id");

-- AddForeignKey
ALTER TABLE "posts" ADD CONSTRAINT "posts_reviewer_id_fkey" FOREIGN KEY ("reviewer_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "comments" ADD CONSTRAINT "comments_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Added by hand (Prisma writes @unique as a unique index, a person may write the constraint)
ALTER TABLE "posts" ADD CONSTRAINT "posts_slug_key" UNIQUE ("slug");
`;
const NAME = '29991231000000_comments_and_reviewer';
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'migration-fix-'));
  await loadSqlParsers();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function migrationsWith(dirName: string, sql: string): string {
  const dir = join(scratch, dirName);
  cpSync(demoMigrationsDir, dir, { recursive: true });
  mkdirSync(join(dir, NAME));
  writeFileSync(join(dir, NAME, 'migration.sql'), sql);
  return dir;
}

const newFolders = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('2999'));

/** squawk's and the kit's findings on the new migrations, oldest first, as the linter reads a history. */
function lintNewMigrations(dir: string) {
  const files = newFolders(dir).map((folder) => relative(projectRoot, join(dir, folder, 'migration.sql')));
  return lintMigrationFiles(
    files.map((file) => ({ file, sql: readFileSync(join(projectRoot, file), 'utf8'), lint: true })),
    runSquawk(files),
    noHistoryFacts(),
  );
}

/** A backfills folder with the team's job list as `kit init` leaves it. */
function teamJobList(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'index.ts'),
    "import type { BackfillJob } from '#kit/backfill/job.ts';\n\nexport const backfillJobs: BackfillJob[] = [];\n",
  );
  return dir;
}

describe('npm run migrate:lint -- --fix', () => {
  it('splits a generated migration into the safe sequence, which lints clean and deploys beside a writer', async () => {
    const dir = migrationsWith('fixed', GENERATED);
    const [report] = await applyFixes(dir, [NAME], join(scratch, 'backfills'));
    expect(report!.refused).toEqual([]);
    expect(report!.changes).toEqual([
      'line 17: CREATE INDEX posts_reviewer_id_idx moved to its own migration, CONCURRENTLY',
      'line 20: posts_reviewer_id_fkey added NOT VALID, validated in the next migration',
      'line 26: posts_slug_key becomes a unique index built CONCURRENTLY, then a constraint USING it',
      'guard rails added: lock_timeout and statement_timeout',
    ]);
    expect(newFolders(dir)).toEqual([
      NAME,
      '29991231000001_comments_and_reviewer_index_posts_reviewer_id_idx',
      '29991231000002_comments_and_reviewer_validate_posts_reviewer_id_fkey',
      '29991231000003_comments_and_reviewer_index_posts_slug_key',
      '29991231000004_comments_and_reviewer_constraint_posts_slug_key',
    ]);
    expect(readFileSync(join(dir, newFolders(dir)[3]!, 'migration.sql'), 'utf8')).toContain(
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "posts_slug_key" ON "posts" ("slug");',
    );
    expect(readFileSync(join(dir, newFolders(dir)[4]!, 'migration.sql'), 'utf8')).toContain(
      'ALTER TABLE "posts" ADD CONSTRAINT "posts_slug_key" UNIQUE USING INDEX "posts_slug_key";',
    );
    const fixed = readFileSync(join(dir, NAME, 'migration.sql'), 'utf8');
    expect(fixed).toMatch(/^SET lock_timeout = '3s';\nSET statement_timeout = '30s';/);
    expect(fixed).toContain('ON DELETE SET NULL ON UPDATE CASCADE NOT VALID;');
    expect(fixed).not.toContain('"posts_reviewer_id_idx"');
    // The new table's own index and foreign key stay: it is empty, nothing waits on it.
    expect(fixed).toContain('CREATE INDEX "comments_post_id_idx"');
    expect(readFileSync(join(dir, newFolders(dir)[1]!, 'migration.sql'), 'utf8')).toContain(
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS "posts_reviewer_id_idx" ON "posts"("reviewer_id");',
    );

    // The linter's own rules and squawk find nothing in the five files.
    expect(await lintNewMigrations(dir)).toEqual([]);

    // Deployed by the real CLI onto the kit's history, beside a writer on posts.
    const url = await cloneDemoDatabase();
    await withPgClient(url, async (client) => {
      await client.query(`INSERT INTO users (email, display_name) VALUES ('author@example.test', 'Author')`);
      await client.query(
        `INSERT INTO posts (author_id, title) SELECT (SELECT min(id) FROM users), 'post ' || g FROM generate_series(1, 20000) g`,
      );
    });
    const project = createScratchProject('migration-fix');
    try {
      cpSync(dir, project.migrationsDir, { recursive: true });
      const writer = startConcurrentWriter(url, 20_000, 'posts');
      const deploy = await project.prisma(url, 'migrate', 'deploy');
      const stats = await writer.stop();
      expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
      expect(stats.failures).toEqual([]);
      expect(stats.writes).toBeGreaterThan(0);
      // Same schema either way: Prisma replays both histories into shadow databases and finds no difference.
      const generated = migrationsWith('generated', GENERATED);
      const diff = await project.prisma(
        url,
        'migrate',
        'diff',
        '--from-migrations',
        generated,
        '--to-migrations',
        dir,
        '--exit-code',
      );
      expect(diff.code, diff.stdout + diff.stderr).toBe(0);
    } finally {
      project.remove();
    }
    const state = await withPgClient(url, async (client) => ({
      index: (
        await client.query(`SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('posts_reviewer_id_idx')`)
      ).rows,
      fk: (await client.query(`SELECT convalidated FROM pg_constraint WHERE conname = 'posts_reviewer_id_fkey'`)).rows,
      unique: (
        await client.query(
          `SELECT c.contype, i.indisvalid FROM pg_constraint c JOIN pg_index i ON i.indexrelid = c.conindid WHERE c.conname = 'posts_slug_key'`,
        )
      ).rows,
    }));
    expect(state).toEqual({
      index: [{ indisvalid: true }],
      fk: [{ convalidated: true }],
      unique: [{ contype: 'u', indisvalid: true }],
    });
  });

  it('a required column: added nullable, then the phased NOT NULL steps behind a backfill job with a TODO', async () => {
    // As Prisma 7 generates it for a new required field `nickname String` on User.
    const sql = `-- AlterTable\nALTER TABLE "users" ADD COLUMN     "nickname" TEXT NOT NULL;\n`;
    const dir = migrationsWith('required', sql);
    const backfills = teamJobList(join(scratch, 'required-backfills'));
    const [report] = await applyFixes(dir, [NAME], backfills);
    expect(report!.refused).toEqual([]);
    expect(report!.changes[0]).toMatch(/^line 2: nickname added nullable; the phased NOT NULL steps follow/);
    expect(newFolders(dir)).toEqual([
      NAME,
      '29991231000001_comments_and_reviewer_nickname_check_not_valid',
      '29991231000002_comments_and_reviewer_nickname_validate_check',
      '29991231000003_comments_and_reviewer_nickname_set_not_null',
    ]);
    expect(readFileSync(join(dir, NAME, 'migration.sql'), 'utf8')).toContain(
      'ALTER TABLE "users" ADD COLUMN     "nickname" TEXT;',
    );
    expect(readFileSync(join(dir, newFolders(dir)[1]!, 'migration.sql'), 'utf8')).toContain(
      'run `npm run backfill -- users-nickname`',
    );
    expect(report!.jobs).toEqual([join(backfills, 'users-nickname.ts')]);
    expect(readFileSync(report!.jobs[0]!, 'utf8')).toMatch(/export const usersNickname: SqlBackfillJob[\s\S]*TODO/);
    // … and listed in the team's jobs: writing its value is the one edit left.
    expect(readFileSync(join(backfills, 'index.ts'), 'utf8')).toContain('BackfillJob[] = [usersNickname];');

    // The last step's SET NOT NULL is proven by the check validated before it: the four lint clean.
    expect(await lintNewMigrations(dir)).toEqual([]);

    // Run again on a fixed history, it leaves the team's job file alone.
    writeFileSync(report!.jobs[0]!, '// the team filled this in\n');
    const again = migrationsWith('required-again', sql);
    const [second] = await applyFixes(again, [NAME], backfills);
    expect(second!.jobs).toEqual([]);
    expect(readFileSync(join(backfills, 'users-nickname.ts'), 'utf8')).toBe('// the team filled this in\n');
  });

  it('--rename: a renamed field generated as drop and add becomes expand and contract, which deploys and syncs both releases', async () => {
    // As Prisma 7 generates it when the Post field `body` is renamed to `content` without @map.
    const sql = `-- AlterTable\nALTER TABLE "posts" DROP COLUMN "body",\nADD COLUMN     "content" TEXT NOT NULL;\n`;
    const dir = migrationsWith('rename', sql);
    const backfills = teamJobList(join(scratch, 'rename-backfills'));
    const [report] = await applyFixes(dir, [NAME], backfills, { named: [parseRename('posts.body:posts.content')] });
    expect(report!.refused).toEqual([]);
    expect(report!.changes).toEqual([
      expect.stringMatching(
        /^line 2: posts\.body → content by expand and contract, not drop and add: .*rename-contract/,
      ),
    ]);
    // Nothing of the generated file is left: its folder holds the expand, the NOT NULL steps follow.
    expect(newFolders(dir)).toEqual([
      NAME,
      '29991231000001_comments_and_reviewer_content_required_check_not_valid',
      '29991231000002_comments_and_reviewer_content_required_validate_check',
      '29991231000003_comments_and_reviewer_content_required_set_not_null',
    ]);
    const expand = readFileSync(join(dir, NAME, 'migration.sql'), 'utf8');
    expect(expand).toContain('ALTER TABLE "posts" ADD COLUMN IF NOT EXISTS "content" text;');
    expect(expand).not.toMatch(/DROP COLUMN/);
    expect(readFileSync(report!.jobs[0]!, 'utf8')).toContain(`set: '"content" = "body"'`);
    expect(await lintNewMigrations(dir)).toEqual([]);

    // Deployed by the real CLI; then the old release (body only) and the new one (content only) write.
    const url = await cloneDemoDatabase();
    const project = createScratchProject('migration-fix-rename');
    try {
      cpSync(dir, project.migrationsDir, { recursive: true });
      const deploy = await project.prisma(url, 'migrate', 'deploy');
      expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    } finally {
      project.remove();
    }
    const rows = await withPgClient(url, async (client) => {
      await client.query(`INSERT INTO users (email, display_name) VALUES ('a@example.test', 'A')`);
      const author = `(SELECT min(id) FROM users)`;
      await client.query(`INSERT INTO posts (author_id, title, body) VALUES (${author}, 'old release', 'from body')`);
      await client.query(
        `INSERT INTO posts (author_id, title, content) VALUES (${author}, 'new release', 'from content')`,
      );
      return (await client.query('SELECT title, body, content FROM posts ORDER BY id')).rows;
    });
    expect(rows).toEqual([
      { title: 'old release', body: 'from body', content: 'from body' },
      { title: 'new release', body: 'from content', content: 'from content' },
    ]);
  });

  it('--rename names what it could not find, and a malformed one, in one line', async () => {
    const dir = migrationsWith('rename-missing', GENERATED);
    await expect(
      applyFixes(dir, [NAME], join(scratch, 'b'), { named: [parseRename('posts.body:posts.content')] }),
    ).rejects.toThrow(
      /^--rename posts\.body:posts\.content: no migration of this branch drops body and adds content on posts\./,
    );
    expect(() => parseRename('posts.body:users.content')).toThrow(
      /write it as <table>\.<old column>:<table>\.<new column>/,
    );
  });

  it('refuses what has no mechanical fix, names the playbook, and leaves the file as it was', async () => {
    const sql = `-- AlterTable\nALTER TABLE "users" ALTER COLUMN "email" SET DATA TYPE VARCHAR(320);\n`;
    const dir = migrationsWith('refused', sql);
    const [report] = await applyFixes(dir, [NAME], join(scratch, 'backfills'));
    expect(report!.refused).toEqual([
      'line 2: a type change rewrites the table: add a new column and backfill it (docs/migrations/rename-expand-contract.md)',
    ]);
    expect(readFileSync(join(dir, NAME, 'migration.sql'), 'utf8')).toBe(sql);
    expect(newFolders(dir)).toEqual([NAME]);
  });

  it('leaves hand-written migrations and already-safe ones alone', async () => {
    const dir = migrationsWith(
      'safe',
      `SET lock_timeout = '3s';\nCREATE TABLE "notes" ("id" SERIAL PRIMARY KEY);\nRESET lock_timeout;\n`,
    );
    expect(
      await applyFixes(
        dir,
        [NAME, ...readdirSync(demoMigrationsDir).filter((name) => /^\d{14}_/.test(name))],
        join(scratch, 'backfills'),
      ),
    ).toEqual([]);
  });
});
