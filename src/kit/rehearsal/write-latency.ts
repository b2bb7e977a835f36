/**
 * What the app's writes felt while a change ran: each write's latency with when it ended, and
 * the numbers a person reads off them (longest, p50, p99, failures). The rehearsal's traffic and
 * the benchmarks' writer both record into this shape, so a report and a benchmark mean the same
 * thing by "the writer's longest wait".
 */

export interface WriterStats {
  writes: number;
  failures: string[];
  maxMs: number;
  p50Ms: number;
  p99Ms: number;
  /** [ms since start, latency ms] per write, for charts. */
  samples: Array<[number, number]>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Writes, failures and latency percentiles of a run, from its samples. */
export function writerStats(samples: Array<[number, number]>, failures: string[]): WriterStats {
  const sorted = samples.map(([, ms]) => ms).sort((a, b) => a - b);
  return {
    writes: samples.length,
    failures,
    maxMs: sorted.at(-1) ?? 0,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    samples,
  };
}

/**
 * The writes that overlapped [from, to] (ms since the run's start): what the app felt while a
 * statement ran, apart from what happened before or after it.
 */
const writesDuring = (samples: Array<[number, number]>, [from, to]: [number, number]) =>
  samples.filter(([at, ms]) => at >= from && at - ms <= to);

/** The longest write that overlapped [from, to], with when it ended. */
export function longestWriteDuring(samples: Array<[number, number]>, window: [number, number]): [number, number] {
  return writesDuring(samples, window).reduce<[number, number]>(
    (max, sample) => (sample[1] > max[1] ? sample : max),
    [0, 0],
  );
}

/**
 * Each write given to the window it overlapped most (none: it overlapped none). A write that a
 * statement's lock held up ends just after that statement commits, often inside the next
 * statement's window; by overlap it counts where it waited.
 */
export function writesByWindow(
  samples: ReadonlyArray<[number, number]>,
  windows: Array<[number, number]>,
): Array<Array<[number, number]>> {
  const owned = windows.map((): Array<[number, number]> => []);
  for (const sample of samples) {
    const [end, ms] = sample;
    let best = -1;
    let most = 0;
    for (const [index, [from, to]] of windows.entries()) {
      const overlap = Math.min(end, to) - Math.max(end - ms, from);
      if (overlap > most) [best, most] = [index, overlap];
    }
    if (best >= 0) owned[best]!.push(sample);
  }
  return owned;
}
