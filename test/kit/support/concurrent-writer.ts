/**
 * The app's write traffic, stood in for by one connection that keeps inserting a row and
 * updating an existing one, timing every write. Tests and benchmarks run it next to a schema or
 * data change to see whether the change blocks writers.
 */
import { withPgClient } from '#kit/db/pg-client.ts';
import { type WriterStats, writerStats } from '#kit/rehearsal/write-latency.ts';

export { type WriterStats, writerStats };

export interface ConcurrentWriter {
  stop(): Promise<WriterStats>;
  /** The writer's backend process id, once it has connected (for a stall observer). */
  backendPid(): Promise<number>;
}

/**
 * Workloads: insert a new row, and update existing row $1 (ids 1..existingRows, spread out).
 * `users` is the app as the kit's schema stands; `usersBeforeRename` is an app release from before
 * users.name became users.display_name, for tests that run on the older schema (or that play the
 * old release during the rename).
 */
const WRITES = {
  users: {
    insert: `INSERT INTO users (email, display_name) VALUES ('writer-' || gen_random_uuid() || '@example.test', 'writer')`,
    update: `UPDATE users SET display_name = display_name || '.' WHERE id = $1`,
  },
  usersBeforeRename: {
    insert: `INSERT INTO users (email, name) VALUES ('writer-' || gen_random_uuid() || '@example.test', 'writer')`,
    update: `UPDATE users SET name = name || '.' WHERE id = $1`,
  },
  posts: {
    insert: `INSERT INTO posts (author_id, title) VALUES ((SELECT min(id) FROM users), 'writer')`,
    update: `UPDATE posts SET title = title || '.', updated_at = now() WHERE id = $1`,
  },
} as const;

export type WriterWorkload = keyof typeof WRITES;

/**
 * Starts a workload: one insert and one update of an existing row per iteration. Sample times
 * count from `t0` (default: now), so writers that take turns can share one clock.
 */
export function startConcurrentWriter(
  url: string,
  existingRows: number,
  workload: WriterWorkload = 'users',
  t0 = performance.now(),
): ConcurrentWriter {
  const writes = WRITES[workload];
  let running = true;
  const samples: Array<[number, number]> = [];
  const failures: string[] = [];
  let connected: (pid: number) => void = () => {};
  const pid = new Promise<number>((resolve) => {
    connected = resolve;
  });
  const loop = withPgClient(url, async (client) => {
    connected((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
    for (let i = 0; running; i += 1) {
      const started = performance.now();
      try {
        await client.query(writes.insert);
        await client.query(writes.update, [1 + ((i * 7919) % existingRows)]);
      } catch (error) {
        failures.push((error as Error).message);
      }
      const now = performance.now();
      samples.push([now - t0, now - started]);
    }
  });
  return {
    async stop() {
      running = false;
      await loop;
      return writerStats(samples, failures);
    },
    backendPid: () => pid,
  };
}
