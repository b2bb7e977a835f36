/**
 * `npm run backfill -- <job> --workers N`: starts a run of the job, puts its ranges on the queue,
 * starts N worker processes on this machine (the same program as `npm run backfill:worker`, which
 * other machines may run too), and follows the run's progress until it is finished, failed or
 * stopped. Ctrl-C / SIGTERM stop the workers after their current batch; run it again to resume.
 * With 0 workers it only queues the run and follows it: `backfill:worker`s elsewhere do the work.
 */
import { childEnvironment } from '../environment.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectPgClient } from '../db/pg-client.ts';
import { BackfillError } from './backfill-error.ts';
import { createProgress } from '../progress.ts';
import { scriptCommand } from '../script-command.ts';
import { startOrResumeRun, tryLockJob } from './bookkeeping.ts';
import { assertJobWritten, type BackfillJob } from './job.ts';
import { planRanges } from './plan-ranges.ts';
import { enqueueRun, openQueue, type QueueTimings, type RangeSettings } from './queue-workers.ts';
import { countPendingRows, prepareJob } from './run-range.ts';
import { readJobStatus, type JobStatus } from './status.ts';

/** Ranges per worker: enough that one slow or killed worker's share is small and gets spread out. */
const RANGES_PER_WORKER = 4;

export interface LocalRunOptions {
  /** The project whose worker script (scripts/backfill-worker.ts) the workers run. */
  root: string;
  workers: number;
  ranges?: number;
  settings: RangeSettings;
  timings: QueueTimings;
  signal: AbortSignal;
}

export type LocalRunOutcome =
  | { kind: 'nothing-to-do' }
  | { kind: 'finished' | 'stopped'; status: JobStatus; elapsedMs: number; resumed: boolean };

/** Writes a line above the progress bar (which redraws itself on the next update). */
const printLine = (line: string) => process.stderr.write(`${process.stderr.isTTY ? '\r\u001b[K' : ''}${line}\n`);

function startWorker(url: string, index: number, timings: QueueTimings, root: string): ChildProcess {
  const [node, args] = scriptCommand(
    'backfill-worker',
    ['--slice-s', String(timings.sliceSeconds), '--maintenance-s', String(timings.maintenanceSeconds)],
    root,
  );
  const child = spawn(node, args, {
    cwd: root,
    env: childEnvironment({ DATABASE_URL: url }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const relay = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) printLine(`worker ${index}: ${line}`);
  };
  child.stdout!.on('data', relay);
  child.stderr!.on('data', relay);
  return child;
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

export async function runWithLocalWorkers(
  url: string,
  job: BackfillJob,
  options: LocalRunOptions,
): Promise<LocalRunOutcome> {
  assertJobWritten(job);
  const client = await connectPgClient(url);
  const workers: ChildProcess[] = [];
  try {
    // Held while the run lasts, so a single runner can't start beside the workers.
    if (!(await tryLockJob(client, job.name, 'shared'))) {
      throw new BackfillError(`Backfill "${job.name}" is being run by a single runner`, {
        fix: 'Let it finish, or stop it and run this again.',
        exitCode: 3,
      });
    }
    const pendingAtStart = await countPendingRows(client, job);
    const prepared = await prepareJob(client, job);
    const rangeCount = options.ranges ?? options.workers * RANGES_PER_WORKER;
    const start = await startOrResumeRun(client, job.name, pendingAtStart, () =>
      planRanges(client, job.table, prepared.shape, rangeCount),
    );
    if (!start) return { kind: 'nothing-to-do' };
    // A rerun after a failed batch: the operator fixed the cause, so the ranges may try again.
    await client.query('UPDATE backfill_ranges SET last_error = NULL WHERE job = $1 AND run = $2', [
      job.name,
      start.run,
    ]);

    const boss = await openQueue(url, options.timings);
    try {
      await enqueueRun(boss, client, job.name, start.run, options.settings);
    } finally {
      await boss.stop({ graceful: false });
    }

    const started = performance.now();
    const rowsBefore = (await readJobStatus(client, job.name))?.rowsDone ?? 0;
    for (let i = 1; i <= options.workers; i += 1) workers.push(startWorker(url, i, options.timings, options.root));
    const reported = new Set<ChildProcess>();
    const progress = createProgress({ label: `${job.name} ×${options.workers}`, total: pendingAtStart });
    for (;;) {
      await sleep(500, undefined, { signal: options.signal }).catch(() => undefined);
      const status = (await readJobStatus(client, job.name))!;
      progress.update(status.rowsDone - rowsBefore);
      const outcome = (kind: 'finished' | 'stopped') => ({
        kind,
        status,
        elapsedMs: performance.now() - started,
        resumed: start.resumed,
      });
      if (status.finishedAt) {
        progress.finish();
        return outcome('finished');
      }
      if (options.signal.aborted) {
        progress.finish();
        return outcome('stopped');
      }
      const failure = status.failures[0];
      if (failure) {
        progress.finish();
        throw new BackfillError(`Range ${failure.range} of "${job.name}" failed: ${failure.error}`);
      }
      for (const child of workers.filter((w) => !running(w) && !reported.has(w))) {
        reported.add(child);
        printLine(
          `worker ${workers.indexOf(child) + 1} exited (${child.signalCode ?? `code ${child.exitCode}`}); the queue gives its range to another worker once its slice expires.`,
        );
      }
      // With --workers 0 the work is done by `backfill:worker`s elsewhere; this only follows it.
      if (workers.length > 0 && !workers.some(running)) {
        progress.finish();
        throw new BackfillError(
          `Every worker of "${job.name}" exited before the run finished; see their output above`,
          { fix: 'Run the same command again to resume.' },
        );
      }
    }
  } finally {
    await stopWorkers(workers);
    await client.end().catch(() => undefined);
  }
}

/** SIGTERM: each worker finishes its current batch and hands its range back to the queue. */
async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  await Promise.all(
    workers.filter(running).map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('close', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
}
