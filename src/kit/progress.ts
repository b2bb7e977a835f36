/**
 * Progress for long work: a redrawn bar on a terminal, a plain line every few seconds elsewhere
 * (CI logs), so both a person watching and a log reader see rows done, rate and time left.
 */
export interface Progress {
  update(done: number): void;
  finish(): void;
}

export interface ProgressOptions {
  label: string;
  total: number;
  stream?: NodeJS.WriteStream;
  /** Seconds between plain log lines when the stream is not a terminal. */
  logEverySeconds?: number;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

export function describeProgress(done: number, total: number, elapsedSeconds: number): string {
  const rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
  const eta = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY;
  const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
  return `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} (${percent}%) ${Math.round(rate).toLocaleString('en-US')} rows/s, ETA ${formatDuration(eta)}`;
}

export function createProgress({
  label,
  total,
  stream = process.stderr,
  logEverySeconds = 5,
}: ProgressOptions): Progress {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let lastLog = 0;
  let done = 0;
  const bar = (width = 24) => {
    const filled = total > 0 ? Math.round((done / total) * width) : width;
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  };
  return {
    update(value: number) {
      done = Math.min(value, total);
      if (stream.isTTY) {
        stream.write(`\r${label} ${bar()} ${describeProgress(done, total, elapsed())}\u001b[K`);
      } else if (elapsed() - lastLog >= logEverySeconds) {
        lastLog = elapsed();
        stream.write(`${label}: ${describeProgress(done, total, elapsed())}\n`);
      }
    },
    finish() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
