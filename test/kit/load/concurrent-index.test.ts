/**
 * Proof under load for the index pattern: the kit's CREATE INDEX CONCURRENTLY migration applied
 * with `prisma migrate deploy` while a writer keeps inserting and updating posts, against the
 * naive CREATE INDEX as the negative control. Recovery from a build that failed half-way is in
 * test/kit/migrations/rollback-and-recovery.test.ts (`migrate:recover` drops the INVALID leftover).
 */
import { describe, expect, it } from 'vitest';
import { withPgClient } from '#kit/db/pg-client.ts';
import { startConcurrentWriter } from '../support/concurrent-writer.ts';
import { longestWriteDuring } from '#kit/rehearsal/write-latency.ts';
import { startStallObserver } from '../support/stall-observer.ts';
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

/**
 * `migrate deploy` beside the writer, and the writer's longest write while the index build ran
 * (what the stall observer saw as the build's window). The whole run's longest write also holds
 * the Prisma CLI and the schema engine starting on the same cores, before the build: on a busy
 * 2-core machine that alone reached 58-69 ms, the writer's backend idle in ClientRead, nothing
 * else active (docs/benchmarks/bench-locks-index-5-runs.md), which is the machine, not the lock.
 */
async function deployBesideWriter(project: ScratchProject, url: string, build: RegExp) {
  const t0 = performance.now();
  const writer = startConcurrentWriter(url, POSTS, 'posts', t0);
  const observer = await startStallObserver(url, await writer.backendPid(), t0);
  const deploy = await project.prisma(url, 'migrate', 'deploy');
  const stats = await writer.stop();
  await observer.stop();
  const window = observer.activeWindow(build);
  const [at, longest] = window ? longestWriteDuring(stats.samples, window) : [0, 0];
  return {
    deploy,
    stats,
    window,
    duringBuild: longest,
    explained: `${Math.round(longest)} ms, ending ${Math.round(at)} ms in: ${observer.explain(at - longest, at)}`,
  };
}

describe('index without blocking writes, under a concurrent writer', () => {
  let safe: Awaited<ReturnType<typeof deployBesideWriter>>;

  it('CREATE INDEX CONCURRENTLY through migrate deploy: no failed write, no lost row', async () => {
    const { project, url } = await busyPostsTable('safe');
    project.copyDemoMigration(indexMigration);
    safe = await deployBesideWriter(project, url, /CREATE INDEX CONCURRENTLY/);
    expect(safe.deploy.code, safe.deploy.stdout + safe.deploy.stderr).toBe(0);
    expect(safe.window, 'the observer saw the build run').toBeDefined();
    expect(safe.stats.failures).toEqual([]);
    expect(await indexState(url)).toEqual([{ valid: true }]);
    expect(await postCount(url)).toBe(POSTS + safe.stats.writes);
  });

  it('plain CREATE INDEX (the naive version) stalls the same writer over 5× longer while it builds', async () => {
    const { project, url } = await busyPostsTable('naive');
    project.addMigration(
      '29990101000000_naive_index',
      `CREATE INDEX "${INDEX}" ON "posts" ("status", "created_at");\n`,
    );
    const naive = await deployBesideWriter(project, url, /CREATE INDEX "/);
    expect(naive.deploy.code, naive.deploy.stdout + naive.deploy.stderr).toBe(0);
    expect(naive.duringBuild, `naive: ${naive.explained}; safe: ${safe.explained}`).toBeGreaterThan(
      5 * safe.duringBuild,
    );
    expect(await postCount(url)).toBe(POSTS + naive.stats.writes);
  });
});
