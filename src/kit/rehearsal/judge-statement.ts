/**
 * The rehearsal's verdict on one statement, from what was observed, never from timing alone
 * (a wall-clock gate flakes on a shared CI runner):
 *
 * - `failed`: PostgreSQL refused it (a deploy stops there too);
 * - `blocks-writes`: it held a lock that blocks writers on a table over the policy's row limit
 *   while it rewrote or scanned that table, or it wrote more rows than the limit in one
 *   transaction (every one of them row-locked until it commits);
 * - `model-missed`: it took a stronger lock, or rewrote a table, where the kit's static model
 *   (src/kit/sql/statement-effects.ts) predicted less. The linter, `--fix` and `migrate:plan`
 *   trust that model, so this is a bug in the kit: both are printed;
 * - `writes-failed`: the app's writes failed while it ran (a column the running release writes
 *   was dropped or renamed);
 * - `over-budget`: the app's longest write while it ran exceeded the budget a team set
 *   (`rehearseWriterBudgetMs` in kit.config.ts); without a budget the wait is only reported.
 *
 * Two findings are reported, not failed:
 * - `stopped`: a migration's own guard refused to go on (a RAISE, SQLSTATE P0001: "run the
 *   backfill first"): the pattern working;
 * - `lock-queue`: it waited for a lock that blocks writers while another transaction (the long
 *   reader) held the table, and the app's writes queued behind it. `lock_timeout` is what bounds
 *   that in production, and the linter already asks for it; how long the wait lasts depends on
 *   the other transaction, not on the migration.
 */
import { blocksWriters, lockRank, type ObservedStatement, strongestLock } from './observe-statements.ts';
import type { TableEffect } from '../sql/statement-effects.ts';
import { unqualified } from '../sql/statement-shapes.ts';

export type FindingKind =
  | 'failed'
  | 'stopped'
  | 'blocks-writes'
  | 'model-missed'
  | 'writes-failed'
  | 'over-budget'
  | 'lock-queue';

/** The findings that are reported and do not fail the rehearsal. */
const REPORTED_ONLY = new Set<FindingKind>(['stopped', 'lock-queue']);

/** A lock wait shorter than this is within the watch's sampling (backend-watch.ts). */
const LOCK_QUEUE_MS = 20;

export interface RehearsalFinding {
  kind: FindingKind;
  /** Does it fail the rehearsal? Everything but `stopped` and `lock-queue`. */
  problem: boolean;
  message: string;
}

/** What the app's writes felt while the statement ran. */
export interface WritesDuring {
  writes: number;
  longestMs: number;
  p99Ms: number;
  failures: string[];
}

export interface JudgeContext {
  /** Rows in each table before the migrations ran, by name as PostgreSQL prints it. */
  rows: (table: string) => number | undefined;
  maxRows: number;
  writerBudgetMs?: number;
}

/**
 * The model keeps a table's name as the parser read it (`posts`, `User`); PostgreSQL prints a
 * regclass quoted where it must be (`"User"`), qualified off the search path.
 */
const sameTable = (modelled: string, observed: string) =>
  unqualified(modelled) ===
  unqualified(observed)
    .replace(/^"(.*)"$/, '$1')
    .replace(/""/g, '"');

const n = (value: number) => Math.round(value).toLocaleString('en-US');

export function judgeStatement(
  predicted: TableEffect[],
  observed: ObservedStatement,
  writes: WritesDuring,
  context: JudgeContext,
): RehearsalFinding[] {
  const findings: RehearsalFinding[] = [];
  const add = (kind: FindingKind, message: string) =>
    findings.push({ kind, problem: !REPORTED_ONLY.has(kind), message });
  if (observed.error) {
    if (observed.error.code === 'P0001') add('stopped', `its guard stopped the deploy: ${observed.error.message}`);
    else add('failed', `PostgreSQL refused it (${observed.error.code}): ${observed.error.message}`);
  }
  for (const table of observed.tables) {
    const rows = context.rows(table.table) ?? 0;
    const work = table.rewritten ? 'rewrote' : table.seqScans ? 'scanned' : undefined;
    if (blocksWriters(table.held) && work && rows > context.maxRows) {
      add(
        'blocks-writes',
        `held ${table.held} on ${table.table} (${n(rows)} rows) while it ${work} it: writes waited up to ${n(writes.longestMs)} ms`,
      );
    }
    if ((table.rowsWritten ?? 0) > context.maxRows) {
      add(
        'blocks-writes',
        `wrote ${n(table.rowsWritten ?? 0)} rows of ${table.table} in one transaction: each stays locked until it commits`,
      );
    }
    const mine = predicted.filter((effect) => sameTable(effect.table, table.table));
    const expected = strongestLock(mine.map((effect) => effect.lock));
    const heavier =
      table.taken !== undefined &&
      (expected === undefined ? blocksWriters(table.taken) : lockRank(table.taken) > lockRank(expected));
    if (heavier) {
      add(
        'model-missed',
        `took ${table.taken} on ${table.table}; the kit's lock model predicted ${expected ?? 'no lock'} (src/kit/sql/statement-effects.ts)`,
      );
    }
    if (table.rewritten && !mine.some((effect) => effect.work === 'rewrite')) {
      add(
        'model-missed',
        `rewrote ${table.table}; the kit's lock model predicted ${mine.map((effect) => effect.work).join(', ') || 'nothing'} (src/kit/sql/statement-effects.ts)`,
      );
    }
  }
  const queued = observed.tables.find((table) => blocksWriters(table.taken));
  if (queued && (observed.lockWaitMs ?? 0) >= LOCK_QUEUE_MS) {
    add(
      'lock-queue',
      `waited about ${n(observed.lockWaitMs ?? 0)} ms for ${queued.taken} on ${queued.table} while another transaction held it, and writes queued behind it (up to ${n(writes.longestMs)} ms): lock_timeout bounds that in production`,
    );
  }
  if (writes.failures.length > 0) {
    add('writes-failed', `${n(writes.failures.length)} of the app's writes failed while it ran: ${writes.failures[0]}`);
  }
  if (context.writerBudgetMs !== undefined && writes.longestMs > context.writerBudgetMs) {
    add(
      'over-budget',
      `a write waited ${n(writes.longestMs)} ms; the budget is ${n(context.writerBudgetMs)} ms (kit.config.ts)`,
    );
  }
  return findings;
}
