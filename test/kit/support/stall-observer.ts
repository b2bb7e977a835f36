/**
 * What a stall was. While a change runs beside the writer, this samples every few milliseconds
 * what the writer's backend is waiting on (pg_stat_activity's wait event, and pg_blocking_pids),
 * which other backends are active (an autovacuum worker, the change itself) and how late this
 * process's event loop runs. For a write that took long, the samples inside its interval say
 * whether it waited on a lock (and whose), on I/O or a lightweight lock, or for the client
 * (`Client:ClientRead`: the time went to this process, its event loop or the CPU it didn't get),
 * which is a property of the machine, not of the migration (issue 32, item 5: a ~100 ms stall of
 * the index pattern that came and went). It also records this process's own garbage-collection
 * pauses, which stop the writer's client, the sampler and everything else here at once: on 2 busy
 * cores one young-generation collection took 23 ms of wall time and was the safe index build's
 * longest write (docs/benchmarks/bench-locks-index-5-runs.md).
 */
import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import pg from 'pg';

interface Sample {
  at: number;
  /** `Lock:relation`, `LWLock:WALWrite`, `IO:DataFileRead`, … or undefined while it runs or idles. */
  writerWait?: string;
  blockedBy: string[];
  /**
   * Other active backends: `autovacuum worker`, `client backend: CREATE INDEX CONCURRENTLY …`,
   * `checkpointer` (when it is writing rather than idling).
   */
  active: string[];
  /** How late this sample came: the event loop's delay, in ms. */
  lateMs: number;
}

export interface StallObserver {
  /** From now on, the writer is this backend (the rename swaps releases). */
  watch(writerPid: number): void;
  stop(): Promise<void>;
  /** What the samples between `from` and `to` (ms since t0) show, in one line. */
  explain(from: number, to: number): string;
  /**
   * When a statement matching `query` ran (ms since t0, first to last sample that saw it active),
   * or undefined if no sample did: the window in which its locks could hold the writer up.
   */
  activeWindow(query: RegExp): [number, number] | undefined;
}

const INTERVAL_MS = 5;

interface GcPause {
  /** ms since t0 */
  at: number;
  ms: number;
  kind: string;
}

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'young generation',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'full',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

/** This process's garbage-collection pauses from now on, as Node reports them. */
function recordGcPauses(t0: number): { pauses: GcPause[]; stop(): void } {
  const pauses: GcPause[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      // A gc entry's detail says which collection it was (Node's types leave detail out).
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1;
      pauses.push({ at: entry.startTime - t0, ms: entry.duration, kind: GC_KINDS[kind] ?? 'other' });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return { pauses, stop: () => observer.disconnect() };
}

export async function startStallObserver(url: string, firstWriterPid: number, t0: number): Promise<StallObserver> {
  let writerPid = firstWriterPid;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const samples: Sample[] = [];
  const gc = recordGcPauses(t0);
  let running = true;
  const loop = (async () => {
    let expected = performance.now();
    while (running) {
      const now = performance.now();
      const lateMs = Math.max(0, now - expected);
      const { rows } = await client.query<{
        pid: number;
        type: string;
        state: string | null;
        wait: string | null;
        blockers: number[];
        query: string;
      }>(
        `SELECT pid, backend_type AS type, state, wait_event_type || ':' || wait_event AS wait,
                pg_blocking_pids(pid) AS blockers, left(regexp_replace(query, '\\s+', ' ', 'g'), 50) AS query
           FROM pg_stat_activity
          WHERE pid <> pg_backend_pid()
            -- The writer's blockers whatever their state: one idle in a transaction holds its locks
            -- while its client works out (or waits for CPU to send) the next statement.
            AND (pid = $1 OR pid = ANY (pg_blocking_pids($1)) OR state = 'active' OR backend_type = 'autovacuum worker'
                 -- A background process (checkpointer, WAL writer, I/O worker) off its idle loop.
                 OR (backend_type <> 'client backend' AND wait_event_type IS DISTINCT FROM 'Activity'))`,
        [writerPid],
      );
      const writer = rows.find((row) => row.pid === writerPid);
      // Who, not what it waits on: a blocker's wait event changes every few samples.
      const describe = (row: (typeof rows)[number]) =>
        row.type !== 'client backend'
          ? row.type
          : row.state === 'active'
            ? `${row.type}: ${row.query}`
            : `${row.type} ${row.state} after: ${row.query}`;
      samples.push({
        at: now - t0,
        writerWait: writer?.wait ?? undefined,
        blockedBy: (writer?.blockers ?? []).map((pid) => {
          const blocker = rows.find((row) => row.pid === pid);
          return blocker ? describe(blocker) : `pid ${pid}`;
        }),
        active: rows
          .filter((row) => row.pid !== writerPid && (row.type !== 'client backend' || row.state === 'active'))
          .map(describe),
        lateMs,
      });
      expected = performance.now() + INTERVAL_MS;
      await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
    }
  })();
  return {
    watch(pid) {
      writerPid = pid;
    },
    async stop() {
      running = false;
      await loop;
      gc.stop();
      await client.end();
    },
    activeWindow(query) {
      const seen = samples.filter((sample) => sample.active.some((active) => query.test(active)));
      return seen.length === 0 ? undefined : [seen[0]!.at, seen.at(-1)!.at];
    },
    explain(from, to) {
      // A pause of a millisecond or more during the write: its client stood still meanwhile.
      const paused = gc.pauses.filter((pause) => pause.ms >= 1 && pause.at <= to && pause.at + pause.ms >= from);
      const gcNote = paused.map(
        (pause) => `this process paused ${pause.ms.toFixed(1)} ms for garbage collection (${pause.kind}); `,
      );
      return gcNote.join('') + describeSamples(samples, from, to);
    },
  };
}

/** What the sampler saw during a write from `from` to `to`, or why it saw nothing, in one line. */
function describeSamples(samples: Sample[], from: number, to: number): string {
  const inside = samples.filter((sample) => sample.at >= from && sample.at <= to + INTERVAL_MS);
  if (inside.length === 0) {
    if (samples.length === 0 || from < samples[0]!.at) return 'no sample in its interval (before sampling began)';
    const next = samples.find((sample) => sample.at > to);
    // The sampler runs on this process's event loop too: held up as long as the write was.
    return next
      ? `no sample in its interval: the sampler was held up too (its next sample ${Math.round(next.lateMs)} ms late), so the time went to this process or the CPU it didn't get`
      : 'no sample in its interval (after sampling ended)';
  }
  const tally = (values: string[]) => {
    const counts = new Map<string, number>();
    for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
    return [...counts].map(([value, n]) => `${value} (${n} of ${inside.length} samples)`).join(', ');
  };
  const waits = inside.flatMap((sample) => (sample.writerWait ? [sample.writerWait] : []));
  const blockers = [...new Set(inside.flatMap((sample) => sample.blockedBy))];
  const late = Math.max(...inside.map((sample) => sample.lateMs));
  const others = [...new Set(inside.flatMap((sample) => sample.active))];
  return [
    waits.length > 0 ? `the writer's backend waited on ${tally(waits)}` : "the writer's backend was running",
    ...(blockers.length > 0 ? [`blocked by ${blockers.join('; ')}`] : []),
    `event loop up to ${Math.round(late)} ms late`,
    `also active: ${others.length > 0 ? others.join('; ') : 'nothing'}`,
  ].join('; ');
}
