/**
 * The locks of a statement that can't run inside a transaction block (CREATE INDEX CONCURRENTLY,
 * VACUUM, …), whose backend can't be asked before it commits: another connection reads that
 * backend's rows of pg_locks every few milliseconds while it runs. A lock held for less than one
 * interval can be missed; the statements that run this way hold theirs for the whole of their
 * (long) work, which is what matters to the writers.
 */
import type pg from 'pg';
import { type TableLockMode, tableLocksOf } from './observe-statements.ts';

const INTERVAL_MS = 5;

/**
 * Runs `work` while sampling `pid`'s relation locks on `observer`; resolves to every mode seen
 * on each relation, by oid.
 */
export async function sampleLocksWhile(
  observer: pg.ClientBase,
  pid: number,
  work: () => Promise<void>,
): Promise<Map<string, TableLockMode[]>> {
  const seen = new Map<string, Set<TableLockMode>>();
  let running = true;
  const sampling = (async () => {
    while (running) {
      for (const [oid, modes] of await tableLocksOf(observer, pid)) {
        const set = seen.get(oid) ?? new Set();
        for (const mode of modes) set.add(mode);
        seen.set(oid, set);
      }
      await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
    }
  })();
  try {
    await work();
  } finally {
    running = false;
    await sampling;
  }
  return new Map([...seen].map(([oid, modes]) => [oid, [...modes]]));
}
