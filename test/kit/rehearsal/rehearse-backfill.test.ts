/**
 * A rehearsal past a backfill (src/kit/rehearsal/rehearse-backfill.ts), on the migrations
 * `migrate:new` writes for a new column and its phased NOT NULL. The first NOT NULL step's guard
 * stops its file while NULLs remain; given the team's job for it, the rehearsal runs the job
 * beside the same writer, runs the file again, and goes on to the steps after it. Without a
 * default for new rows the running release keeps inserting NULLs while the job runs: the job
 * ends with rows still pending and the guard stops the file again, as it would in production.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, inject, it } from 'vitest';
import type { SqlBackfillJob } from '#kit/backfill/job.ts';
import { scaffoldMigration } from '#kit/migration-scaffold/scaffold-migration.ts';
import { migrationFolders } from '#kit/migrations/migration-folders.ts';
import { formatRehearsal } from '#kit/rehearsal/format-rehearsal.ts';
import { rehearseMigrations } from '#kit/rehearsal/rehearse-migrations.ts';
import { demoMigrationsDir } from '../support/demo-project.ts';

const JOB: SqlBackfillJob = {
  name: 'users-nickname',
  description: 'Fill users.nickname for rows created before the column existed',
  table: 'users',
  key: 'id',
  pending: 'nickname IS NULL',
  set: "nickname = 'none'",
};

const scratches: string[] = [];
afterAll(() => {
  for (const scratch of scratches) rmSync(scratch, { recursive: true, force: true });
});

/** The demo history, then `migrate:new -- add-column` and `migrate:new -- not-null` for users.nickname. */
function historyWithNickname(defaultForNewRows: boolean): { dir: string; all: string[]; selected: string[] } {
  const scratch = mkdtempSync(join(tmpdir(), 'rehearse-backfill-'));
  scratches.push(scratch);
  const dir = join(scratch, 'migrations');
  cpSync(demoMigrationsDir, dir, { recursive: true });
  mkdirSync(join(scratch, 'backfills'));
  const scaffold = (pattern: string, args: Record<string, string>, second: number) =>
    scaffoldMigration({
      pattern,
      name: 'users_nickname',
      args: { table: 'users', column: 'nickname', ...args },
      migrationsDir: dir,
      backfillsDir: join(scratch, 'backfills'),
      now: new Date(Date.UTC(2999, 0, 1, 0, 0, second)),
    });
  scaffold('add-column', { type: 'text', ...(defaultForNewRows ? { default: "'none'" } : {}) }, 0);
  scaffold('not-null', { backfill: JOB.name }, 1);
  const all = migrationFolders(dir);
  return { dir, all, selected: all.filter((name) => name.startsWith('2999')) };
}

const rehearse = (history: ReturnType<typeof historyWithNickname>) =>
  rehearseMigrations({
    migrationsDir: history.dir,
    all: history.all,
    selected: history.selected,
    database: { kind: 'scratch', serverUrl: inject('testServerUrl') },
    rowsFor: () => 5_000,
    maxRows: 1_000_000,
    readerHoldMs: 0,
    backfillJobs: async () => [JOB],
    log: () => undefined,
  });

it('runs the job the guard waits for beside the writer, then the file again, then the steps after it', async () => {
  const history = historyWithNickname(true);
  const [addColumn, checkNotValid, validate, setNotNull] = history.selected;
  const rehearsal = await rehearse(history);

  expect(rehearsal.migrations.map((migration) => migration.name)).toEqual([
    addColumn,
    checkNotValid,
    checkNotValid,
    validate,
    setNotNull,
  ]);
  const [, stopped, again] = rehearsal.migrations;
  expect(stopped!.statements.flatMap((statement) => statement.findings.map((finding) => finding.kind))).toEqual([
    'stopped',
  ]);
  expect(again!.statements.every((statement) => !statement.observed.error)).toBe(true);
  expect(rehearsal.notRehearsed).toEqual([]);
  expect(rehearsal.problems).toBe(0);

  // Every row the generator filled had no nickname; a few the writer inserted between ADD COLUMN
  // and SET DEFAULT (each commits on its own) may have none either.
  expect(rehearsal.backfills).toHaveLength(1);
  const [backfill] = rehearsal.backfills;
  expect(backfill).toMatchObject({ job: JOB.name, before: checkNotValid, stillPending: 0 });
  expect(backfill!.error).toBeUndefined();
  expect(backfill!.rows).toBeGreaterThanOrEqual(5_000);
  expect(backfill!.writes.writes).toBeGreaterThan(0);

  const report = formatRehearsal(rehearsal);
  expect(report).toContain(`### ⏵ backfill users-nickname, which the guard of ${checkNotValid} waits for`);
  expect(report).toMatch(
    new RegExp(
      `\\n[\\d,]+ rows in [\\d.]+ s, run as \`npm run backfill -- users-nickname\` runs it; writes meanwhile: longest [\\d.,]+ ms, p99 [\\d.,]+ ms\\. Then ${checkNotValid} ran again\\.\\n`,
    ),
  );
  // The backfill comes between the stopped file and its second run.
  expect(report.indexOf('⏵ backfill')).toBeGreaterThan(report.indexOf('its guard stopped the deploy'));
  expect(report.lastIndexOf(`### ✓ ${checkNotValid}`)).toBeGreaterThan(report.indexOf('⏵ backfill'));
});

it('without a default for new rows, the writer keeps inserting NULLs: the job ends with rows pending and the guard stops again', async () => {
  const history = historyWithNickname(false);
  const [, checkNotValid, validate, setNotNull] = history.selected;
  const rehearsal = await rehearse(history);

  expect(rehearsal.backfills).toHaveLength(1);
  expect(rehearsal.backfills[0]!.stillPending).toBeGreaterThan(0);
  const second = rehearsal.migrations.at(-1)!;
  expect(second.name).toBe(checkNotValid);
  expect(second.statements.flatMap((statement) => statement.findings.map((finding) => finding.kind))).toEqual([
    'stopped',
  ]);
  expect(rehearsal.notRehearsed).toEqual([validate, setNotNull]);
  expect(formatRehearsal(rehearsal)).toMatch(
    /[\d,]+ rows still matched its pending condition when it finished: the app wrote them meanwhile \(give the column a default for new rows first\)/,
  );
});
