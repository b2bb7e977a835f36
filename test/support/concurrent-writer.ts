/**
 * The app's write traffic, stood in for by one connection that keeps inserting a user and
 * updating an existing one, timing every write. Tests and benchmarks run it next to a schema or
 * data change to see whether the change blocks writers.
 */
import { withPgClient } from '../../src/db/pg-client.ts';

export interface WriterStats {
  writes: number;
  failures: string[];
  maxMs: number;
  p50Ms: number;
  p99Ms: number;
  /** [ms since start, latency ms] per write, for charts. */
  samples: Array<[number, number]>;
}

export interface ConcurrentWriter {
  stop(): Promise<WriterStats>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Starts writing to `users` (ids 1..`existingRows` are updated in a spread-out order). */
export function startConcurrentWriter(url: string, existingRows: number): ConcurrentWriter {
  let running = true;
  const samples: Array<[number, number]> = [];
  const failures: string[] = [];
  const t0 = performance.now();
  const loop = withPgClient(url, async (client) => {
    for (let i = 0; running; i += 1) {
      const started = performance.now();
      try {
        await client.query(`INSERT INTO users (email, name) VALUES ($1, 'writer')`, [`writer-${process.pid}-${i}@example.test`]);
        await client.query(`UPDATE users SET name = name || '.' WHERE id = $1`, [1 + ((i * 7919) % existingRows)]);
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
      const sorted = samples.map(([, ms]) => ms).sort((a, b) => a - b);
      return {
        writes: samples.length,
        failures,
        maxMs: sorted.at(-1) ?? 0,
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
        samples,
      };
    },
  };
}
