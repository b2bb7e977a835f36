/**
 * The migration's backend, watched from another connection every few milliseconds while a file
 * runs: which relation locks it holds, and whether it is waiting for one.
 *
 * - The locks stand in for reading them from the backend itself, which a statement that can't
 *   run inside a transaction block (CREATE INDEX CONCURRENTLY, VACUUM, …) doesn't allow. A lock
 *   held for less than one interval can be missed; those statements hold theirs for the whole of
 *   their (long) work, which is what matters to the writers. A sample counts for a statement when
 *   its query was in flight at any moment the statement was: PostgreSQL read the locks somewhere
 *   between sending and answering, and a machine busy enough to stall this loop for a whole
 *   short build must not lose its one sample to the edge of the window. Between the statements
 *   the migration's connection only reads the catalog, so an edge sample adds no table's lock.
 * - The waits are the lock queue: a statement waiting for its lock behind another transaction
 *   (the long reader) while every write to the table waits behind it. That is what
 *   `lock_timeout` bounds in production.
 */
import type pg from 'pg';
import { backendLocks, type TableLockMode } from './observe-statements.ts';

const INTERVAL_MS = 5;

interface Tick {
  /** ms on the caller's clock: when the sample's query was sent, and when it was answered. */
  at: number;
  answeredAt: number;
  waitingForLock: boolean;
  locks: Map<string, TableLockMode[]>;
}

export interface BackendWatch {
  /** Every mode seen held on each relation (by oid) between `from` and `to`. */
  locksDuring(window: [number, number]): Map<string, TableLockMode[]>;
  /** About how long the backend waited for a lock between `from` and `to`, in ms. */
  lockWaitMsDuring(window: [number, number]): number;
  stop(): Promise<void>;
}

export function watchBackend(observer: pg.ClientBase, pid: number, now: () => number): BackendWatch {
  const ticks: Tick[] = [];
  let running = true;
  const watching = (async () => {
    while (running) {
      const at = now();
      const { held, waiting } = await backendLocks(observer, pid);
      ticks.push({ at, answeredAt: now(), waitingForLock: waiting, locks: held });
      await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
    }
  })();
  const during = ([from, to]: [number, number]) => ticks.filter((tick) => tick.at >= from && tick.at <= to);
  const inFlightDuring = ([from, to]: [number, number]) =>
    ticks.filter((tick) => tick.at <= to && tick.answeredAt >= from);
  return {
    locksDuring(window) {
      const seen = new Map<string, Set<TableLockMode>>();
      for (const tick of inFlightDuring(window)) {
        for (const [oid, modes] of tick.locks) seen.set(oid, new Set([...(seen.get(oid) ?? []), ...modes]));
      }
      return new Map([...seen].map(([oid, modes]) => [oid, [...modes]]));
    },
    lockWaitMsDuring(window) {
      // Each waiting tick stands for the time to the next one.
      const inside = during(window);
      return inside.reduce(
        (sum, tick, index) => sum + (tick.waitingForLock ? (inside[index + 1]?.at ?? window[1]) - tick.at : 0),
        0,
      );
    },
    async stop() {
      running = false;
      await watching;
    },
  };
}
