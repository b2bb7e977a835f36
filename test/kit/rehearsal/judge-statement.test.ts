/**
 * The rehearsal's verdicts (src/kit/rehearsal/judge-statement.ts), one observation per row, and
 * how the writes are shared between statements (write-latency.ts). Pure: the observations are
 * written out; the walk in rehearse.test.ts makes them with PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { type FindingKind, judgeStatement, type WritesDuring } from '#kit/rehearsal/judge-statement.ts';
import type { ObservedStatement, ObservedTable } from '#kit/rehearsal/observe-statements.ts';
import { lockModeOf, strongestLock } from '#kit/rehearsal/observe-statements.ts';
import { writesByWindow } from '#kit/rehearsal/write-latency.ts';
import type { TableEffect } from '#kit/sql/statement-effects.ts';

const QUIET: WritesDuring = { writes: 10, longestMs: 3, p99Ms: 2, failures: [] };
const table = (observed: Partial<ObservedTable> & { table: string }): ObservedTable => ({
  rewritten: false,
  seqScans: 0,
  rowsWritten: 0,
  ...observed,
});
const statement = (
  tables: ObservedTable[],
  error?: ObservedStatement['error'],
  lockWaitMs?: number,
): ObservedStatement => ({
  ms: 5,
  tables,
  inTransaction: true,
  error,
  lockWaitMs,
});
const effect = (table: string, lock: TableEffect['lock'], work: TableEffect['work']): TableEffect => ({
  table,
  lock,
  work,
  what: 'test',
});
const ROWS: Record<string, number> = { posts: 1_000_000, users: 1_000_000, tags: 50 };

// [what, predicted, observed, writes, the finding kinds]
const CASES: Array<[string, TableEffect[], ObservedStatement, WritesDuring, FindingKind[]]> = [
  [
    'a plain index build on a big table',
    [effect('posts', 'SHARE', 'build')],
    statement([table({ table: 'posts', taken: 'SHARE', held: 'SHARE', seqScans: 1 })]),
    QUIET,
    ['blocks-writes'],
  ],
  [
    'the same on a small table',
    [effect('tags', 'SHARE', 'build')],
    statement([table({ table: 'tags', taken: 'SHARE', held: 'SHARE', seqScans: 1 })]),
    QUIET,
    [],
  ],
  [
    'a validation scan under SHARE UPDATE EXCLUSIVE',
    [effect('posts', 'SHARE UPDATE EXCLUSIVE', 'scan')],
    statement([
      table({ table: 'posts', taken: 'SHARE UPDATE EXCLUSIVE', held: 'SHARE UPDATE EXCLUSIVE', seqScans: 1 }),
    ]),
    QUIET,
    [],
  ],
  [
    'a catalog-only ACCESS EXCLUSIVE, however long the writes waited behind it',
    [effect('posts', 'ACCESS EXCLUSIVE', 'catalog')],
    statement([table({ table: 'posts', taken: 'ACCESS EXCLUSIVE', held: 'ACCESS EXCLUSIVE' })]),
    { ...QUIET, longestMs: 480 },
    [],
  ],
  [
    'a rewrite the model predicted',
    [effect('posts', 'ACCESS EXCLUSIVE', 'rewrite')],
    statement([table({ table: 'posts', taken: 'ACCESS EXCLUSIVE', held: 'ACCESS EXCLUSIVE', rewritten: true })]),
    QUIET,
    ['blocks-writes'],
  ],
  [
    "a rewrite the model didn't predict, on a small table",
    [effect('tags', 'ACCESS EXCLUSIVE', 'catalog')],
    statement([table({ table: 'tags', taken: 'ACCESS EXCLUSIVE', held: 'ACCESS EXCLUSIVE', rewritten: true })]),
    QUIET,
    ['model-missed'],
  ],
  [
    'a stronger lock than predicted',
    [effect('posts', 'SHARE UPDATE EXCLUSIVE', 'scan')],
    statement([table({ table: 'posts', taken: 'SHARE', held: 'SHARE' })]),
    QUIET,
    ['model-missed'],
  ],
  [
    "a writer-blocking lock on a table the model didn't name (its name quoted by PostgreSQL)",
    [effect('posts', 'ACCESS EXCLUSIVE', 'catalog')],
    statement([
      table({ table: 'posts', taken: 'ACCESS EXCLUSIVE', held: 'ACCESS EXCLUSIVE' }),
      table({ table: '"Users"', taken: 'ACCESS EXCLUSIVE', held: 'ACCESS EXCLUSIVE' }),
    ]),
    QUIET,
    ['model-missed'],
  ],
  [
    'a weak lock on a table the model did not name (a guard reading it)',
    [],
    statement([table({ table: 'users', taken: 'ACCESS SHARE', held: 'ACCESS SHARE', seqScans: 1 })]),
    QUIET,
    [],
  ],
  [
    'a model that names the table qualified',
    [effect('public.posts', 'SHARE', 'build')],
    statement([table({ table: 'posts', taken: 'SHARE', held: 'SHARE', seqScans: 1 })]),
    QUIET,
    ['blocks-writes'],
  ],
  [
    'an UPDATE of every row in one transaction',
    [effect('posts', 'ROW EXCLUSIVE', 'rows')],
    statement([
      table({ table: 'posts', taken: 'ROW EXCLUSIVE', held: 'ROW EXCLUSIVE', seqScans: 1, rowsWritten: 1_000_000 }),
    ]),
    QUIET,
    ['blocks-writes'],
  ],
  [
    'a refused statement',
    [effect('users', 'ACCESS EXCLUSIVE', 'scan')],
    statement([], { code: '23502', message: 'column "nickname" of relation "users" contains null values' }),
    QUIET,
    ['failed'],
  ],
  [
    "a migration's own guard",
    [],
    statement([], { code: 'P0001', message: 'users.nickname still has NULL rows' }),
    QUIET,
    ['stopped'],
  ],
  [
    'a catalog-only ACCESS EXCLUSIVE that waited behind another transaction: reported, not failed',
    [effect('posts', 'ACCESS EXCLUSIVE', 'catalog')],
    statement([table({ table: 'posts', taken: 'ACCESS EXCLUSIVE', held: 'ACCESS EXCLUSIVE' })], undefined, 400),
    { ...QUIET, longestMs: 410 },
    ['lock-queue'],
  ],
  [
    'a wait within the sampling, or for a lock writers never wait on',
    [effect('posts', 'SHARE UPDATE EXCLUSIVE', 'scan')],
    statement(
      [table({ table: 'posts', taken: 'SHARE UPDATE EXCLUSIVE', held: 'SHARE UPDATE EXCLUSIVE' })],
      undefined,
      400,
    ),
    QUIET,
    [],
  ],
  [
    'writes that failed meanwhile',
    [effect('users', 'ACCESS EXCLUSIVE', 'catalog')],
    statement([table({ table: 'users', taken: 'ACCESS EXCLUSIVE', held: 'ACCESS EXCLUSIVE' })]),
    { ...QUIET, failures: ['column "name" of relation "users" does not exist'] },
    ['writes-failed'],
  ],
];

describe('judgeStatement', () => {
  it.each(CASES)('%s', (_what, predicted, observed, writes, kinds) => {
    const findings = judgeStatement(predicted, observed, writes, {
      rows: (name) => ROWS[name.replace(/"/g, '').toLowerCase()],
      maxRows: 100_000,
    });
    expect(findings.map((finding) => finding.kind)).toEqual(kinds);
    expect(findings.every((finding) => finding.problem === !['stopped', 'lock-queue'].includes(finding.kind))).toBe(
      true,
    );
  });

  it('names the lock, the table, its rows and the wait', () => {
    const [finding] = judgeStatement(
      [effect('posts', 'SHARE', 'build')],
      statement([table({ table: 'posts', taken: 'SHARE', held: 'SHARE', seqScans: 1 })]),
      { ...QUIET, longestMs: 728.4 },
      { rows: () => 1_000_000, maxRows: 100_000 },
    );
    expect(finding?.message).toBe(
      'held SHARE on posts (1,000,000 rows) while it scanned it: writes waited up to 728 ms',
    );
  });

  it('gates on the writes only where a budget is set', () => {
    const judge = (writerBudgetMs?: number) =>
      judgeStatement(
        [],
        statement([]),
        { ...QUIET, longestMs: 250 },
        { rows: () => 0, maxRows: 100_000, writerBudgetMs },
      ).map((finding) => finding.kind);
    expect(judge()).toEqual([]);
    expect(judge(500)).toEqual([]);
    expect(judge(200)).toEqual(['over-budget']);
  });
});

describe('lock modes', () => {
  it("reads pg_locks' spelling and orders modes by strength", () => {
    expect(lockModeOf('ShareUpdateExclusiveLock')).toBe('SHARE UPDATE EXCLUSIVE');
    expect(lockModeOf('AccessExclusiveLock')).toBe('ACCESS EXCLUSIVE');
    expect(lockModeOf('AdvisoryLock')).toBeUndefined();
    expect(strongestLock(['ROW SHARE', 'SHARE', 'ACCESS SHARE'])).toBe('SHARE');
    expect(strongestLock([])).toBeUndefined();
  });
});

describe('writesByWindow', () => {
  it('gives each write to the statement it overlapped most: a blocked write ends after its blocker commits', () => {
    // Statement A runs 0–100 ms, B 100–150 ms. A write blocked by A from 10 ms ends at 105 ms.
    const samples: Array<[number, number]> = [
      [5, 2],
      [105, 95],
      [120, 3],
      [400, 1],
    ];
    expect(
      writesByWindow(samples, [
        [0, 100],
        [100, 150],
      ]),
    ).toEqual([
      [
        [5, 2],
        [105, 95],
      ],
      [[120, 3]],
    ]);
  });
});
