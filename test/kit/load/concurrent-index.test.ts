/**
 * Proof under load for the index pattern: the kit's CREATE INDEX CONCURRENTLY migration applied
 * with `prisma migrate deploy` while a writer keeps inserting and updating posts, against the
 * naive CREATE INDEX as the negative control. Recovery from a build that failed half-way is in
 * test/kit/migrations/rollback-and-recovery.test.ts (`migrate:recover` drops the INVALID leftover).
 */
import { describe, expect, it } from 'vitest';
import { withPgClient } from '#kit/db/pg-client.ts';
import { startConcurrentWriter, type WriterStats } from '../support/concurrent-writer.ts';
import { demoMigration, demoMigrationsBefore } from '../support/demo-project.ts';
import { useMigratedScratchDatabases } from '../support/migrated-scratch-database.ts';
import type { ScratchProject } from '../support/scratch-project.ts';

/** Big enough that a blocking build stalls writes far longer than anything else on a busy machine. */
const POSTS = 400_000;
const INDEX = 'posts_status_created_at_idx';
const before = demoMigrationsBefore('_posts_status_created_at_index');
const indexMigration = demoMigration('_posts_status_created_at_index');

const migratedScratchDatabase = useMigratedScratchDatabases();

async function busyPostsTable(name: string): Promise<{ project: ScratchProject; url: string }> {
  const { project, url } = await migratedScratchDatabase(`index-${name}`, before);
  await withPgClient(url, async (client) => {
    await client.query(`INSERT INTO users (email, name) VALUES ('author@example.test', 'Author')`);
    await client.query(
      `INSERT INTO posts (author_id, title, status, created_at)
       SELECT (SELECT min(id) FROM users), 'Post ' || g, (ARRAY['DRAFT','PUBLISHED','ARCHIVED'])[1 + g % 3]::post_status, now() - g * interval '1 second'
       FROM generate_series(1, $1) g`,
      [POSTS],
    );
    await client.query('VACUUM ANALYZE posts');
  });
  return { project, url };
}

const indexState = (url: string) =>
  withPgClient(
    url,
    async (client) =>
      (
        await client.query(
          `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1`,
          [INDEX],
        )
      ).rows,
  );

const postCount = (url: string) =>
  withPgClient(url, async (client) => (await client.query('SELECT count(*)::int AS n FROM posts')).rows[0].n as number);

describe('index without blocking writes, under a concurrent writer', () => {
  let safe: WriterStats;

  it('CREATE INDEX CONCURRENTLY through migrate deploy: no failed write, no lost row', async () => {
    const { project, url } = await busyPostsTable('safe');
    project.copyDemoMigration(indexMigration);
    const writer = startConcurrentWriter(url, POSTS, 'posts');
    const deploy = await project.prisma(url, 'migrate', 'deploy');
    safe = await writer.stop();
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    expect(safe.failures).toEqual([]);
    expect(await indexState(url)).toEqual([{ valid: true }]);
    expect(await postCount(url)).toBe(POSTS + safe.writes);
  });

  it('plain CREATE INDEX (the naive version) stalls the same writer over 5× longer', async () => {
    const { project, url } = await busyPostsTable('naive');
    project.addMigration(
      '29990101000000_naive_index',
      `CREATE INDEX "${INDEX}" ON "posts" ("status", "created_at");\n`,
    );
    const writer = startConcurrentWriter(url, POSTS, 'posts');
    const deploy = await project.prisma(url, 'migrate', 'deploy');
    const naive = await writer.stop();
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    expect(naive.maxMs).toBeGreaterThan(5 * safe.maxMs);
    expect(await postCount(url)).toBe(POSTS + naive.writes);
  });
});
