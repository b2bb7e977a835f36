/**
 * The two ways a backfill outgrows one SQL statement in one process, as an operator runs them:
 * a TypeScript transform (post-slug) killed with SIGKILL and resumed, and one job spread over
 * three queue workers (pg-boss on the same database), one of which is killed mid-range.
 */
import { createTestRole } from '../support/test-roles.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { withPgClient } from '#kit/db/pg-client.ts';
import { dropDatabase } from '#kit/db/scratch-databases.ts';
import { postSlug } from '../fixtures/demo-project/src/posts/post-slug.ts';
import { cloneDemoDatabase } from '../setup/test-database.ts';
import { useDemoBackfill } from '../support/backfill-process.ts';
import { addUsersAwaitingTimezone } from '../support/users-awaiting-backfill.ts';

const demo = useDemoBackfill();
const backfill = demo.run;
const created: string[] = [];
afterEach(async () => {
  await Promise.all(created.splice(0).map((url) => dropDatabase(url)));
});

async function scratchDatabase(): Promise<string> {
  const url = await cloneDemoDatabase();
  created.push(url);
  return url;
}

const query = <T>(url: string, sql: string, values: unknown[] = []) =>
  withPgClient(url, async (client) => (await client.query(sql, values)).rows as T[]);

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, seconds = 30): Promise<T> {
  for (let i = 0; i < seconds * 20; i += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Posts written before the app computed slugs: titles that need the app's Unicode handling. */
async function addPostsWithoutSlug(url: string, rows: number): Promise<void> {
  await query(url, `INSERT INTO users (email, display_name) VALUES ('author@example.test', 'Author')`);
  await query(
    url,
    `INSERT INTO posts (author_id, title)
     SELECT (SELECT min(id) FROM users), (ARRAY['Crème brûlée', 'Łódź & Straße', 'Ærø notes', 'Plain title'])[1 + g % 4] || ' ' || g
       FROM generate_series(1, $1) g`,
    [rows],
  );
}

/** Counts every update each user row receives, so a row updated twice can't hide. */
async function countUserUpdates(url: string): Promise<void> {
  await query(url, 'ALTER TABLE users ADD COLUMN updates int NOT NULL DEFAULT 0');
  await query(
    url,
    `CREATE FUNCTION count_updates() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updates := OLD.updates + 1; RETURN NEW; END $$`,
  );
  await query(url, 'CREATE TRIGGER count_updates BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION count_updates()');
}

describe('TypeScript transform job (post-slug)', () => {
  it('killed with SIGKILL and resumed: the same table as an uninterrupted run, slugs equal to the app function', async () => {
    const rows = 12_000;
    const [killed, reference] = await Promise.all([scratchDatabase(), scratchDatabase()]);
    await Promise.all([addPostsWithoutSlug(killed, rows), addPostsWithoutSlug(reference, rows)]);

    const first = backfill(killed, 'post-slug', '--batch-size', '200', '--sleep-ms', '10');
    await waitFor('10 batches', async () =>
      (await query<{ n: number }>(killed, 'SELECT count(*)::int AS n FROM backfill_batches'))[0]!.n >= 10
        ? true
        : undefined,
    );
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    const left = (await query<{ n: number }>(killed, 'SELECT count(*)::int AS n FROM posts WHERE slug IS NULL'))[0]!.n;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(rows);

    const resumed = await backfill(killed, 'post-slug', '--batch-size', '500').done;
    expect(resumed.code, resumed.out).toBe(0);
    expect(resumed.out).toMatch(/post-slug: done\. .*, resumed\)/);
    const uninterrupted = await backfill(reference, 'post-slug', '--batch-size', '500').done;
    expect(uninterrupted.code, uninterrupted.out).toBe(0);

    const digest = (url: string) =>
      query<{ d: string }>(
        url,
        "SELECT md5(string_agg(id || ':' || coalesce(slug, '∅'), ',' ORDER BY id)) AS d FROM posts",
      );
    expect(await digest(killed)).toEqual(await digest(reference));
    const sample = await query<{ title: string; slug: string }>(
      killed,
      'SELECT title, slug FROM posts ORDER BY id LIMIT 8',
    );
    for (const post of sample) expect(post.slug).toBe(postSlug(post.title));
    expect(sample.map((post) => post.slug)).toContain('lodz-and-strasse-1');
  });
});

describe('one job on three queue workers', () => {
  it('a worker killed mid-range: the others finish the job, every row updated exactly once', async () => {
    const rows = 24_000;
    const url = await scratchDatabase();
    await addUsersAwaitingTimezone(url, rows);
    await countUserUpdates(url);

    // Short slices so the dead worker's slice expires within seconds (production: 30 s slices).
    const run = backfill(
      url,
      'user-timezone',
      '--workers',
      '3',
      '--batch-size',
      '100',
      '--sleep-ms',
      '40',
      '--slice-s',
      '2',
      '--maintenance-s',
      '1',
    );
    const victim = await waitFor('a worker with 3 committed batches', async () => {
      const [row] = await query<{ worker: string }>(
        url,
        'SELECT worker FROM backfill_batches GROUP BY worker HAVING count(*) >= 3 ORDER BY worker LIMIT 1',
      );
      return row?.worker;
    });
    process.kill(Number(victim.split(':').at(-1)), 'SIGKILL');

    const result = await run.done;
    expect(result.code, result.out).toBe(0);
    expect(result.out).toMatch(/worker \d exited \(SIGKILL\)/);
    expect(result.out).toContain('user-timezone: done.');

    expect(await query(url, 'SELECT updates, count(*)::int AS n FROM users GROUP BY updates')).toEqual([
      { updates: 1, n: rows },
    ]);
    const [batches] = await query<{ rows: number; workers: number; after_kill: number }>(
      url,
      `SELECT sum(rows)::int AS rows, count(DISTINCT worker)::int AS workers,
              count(*) FILTER (WHERE worker <> $1 AND range IN (SELECT range FROM backfill_batches WHERE worker = $1))::int AS after_kill
         FROM backfill_batches`,
      [victim],
    );
    expect(batches!.rows).toBe(rows);
    expect(batches!.workers).toBe(3);
    // The killed worker's unfinished range was finished by another worker, from its cursor.
    expect(batches!.after_kill).toBeGreaterThan(0);

    const status = await backfill(url, 'user-timezone', '--status').done;
    expect(status.code, status.out).toBe(0);
    expect(status.out).toMatch(/run 1 finished/);
    expect(status.out).toContain('ranges:  12/12 done');
    expect(status.out).toContain(`rows:    ${rows.toLocaleString('en-US')} changed`);
  });

  it('a batch that fails for good stops the run with its reason; fixed and rerun, the same run finishes', async () => {
    const url = await scratchDatabase();
    await addUsersAwaitingTimezone(url, 3_000);
    await query(
      url,
      `CREATE FUNCTION refuse_1500() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN IF NEW.id = 1500 THEN RAISE EXCEPTION 'user 1500 is special'; END IF; RETURN NEW; END $$`,
    );
    await query(url, 'CREATE TRIGGER refuse_1500 BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION refuse_1500()');

    const failed = await backfill(url, 'user-timezone', '--workers', '2', '--batch-size', '100').done;
    expect(failed.code, failed.out).toBe(1);
    expect(failed.out).toMatch(
      /error: Range \d+ of "user-timezone" failed: A batch of "user-timezone" after key \(\d+\) failed and was rolled back: user 1500 is special/,
    );
    expect(failed.out).not.toMatch(/\n\s+at /);
    const status = await backfill(url, 'user-timezone', '--status').done;
    expect(status.out).toMatch(/range \d+ failed: .*user 1500 is special/);

    await query(url, 'DROP TRIGGER refuse_1500 ON users');
    const rerun = await backfill(url, 'user-timezone', '--workers', '2', '--batch-size', '100').done;
    expect(rerun.code, rerun.out).toBe(0);
    expect(rerun.out).toContain('(run 1, resumed)');
    expect(await query(url, 'SELECT count(*)::int AS n FROM users WHERE timezone IS NULL')).toEqual([{ n: 0 }]);
  });

  it("the app's least-privilege role gets one line saying to run workers as the migration role", async () => {
    const url = await scratchDatabase();
    await addUsersAwaitingTimezone(url, 10);
    const role = `kit_backfill_app_${process.pid}`;
    await withPgClient(url, (client) => createTestRole(client, role, `LOGIN PASSWORD 'app'`));
    try {
      await query(
        url,
        `GRANT USAGE ON SCHEMA public TO ${role}; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`,
      );
      const appUrl = new URL(url);
      appUrl.username = role;
      appUrl.password = 'app';
      const run = await backfill(appUrl.toString(), 'user-timezone', '--workers', '1').done;
      expect(run.code).toBe(1);
      expect(run.out.trim()).toMatch(
        /^error: The backfill queue \(pg-boss, schema "pgboss"\) can't be set up or used by this database role: permission denied .*Run backfills as the migration role/,
      );
      expect(run.out).not.toMatch(/\n\s+at /);
    } finally {
      await query(url, `DROP OWNED BY ${role}; DROP ROLE ${role}`);
    }
  });
});
