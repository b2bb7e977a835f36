/**
 * The backfill runner as an operator uses it (`npm run backfill`), against a real PostgreSQL:
 * killed and resumed, raced, stopped, dry-run, and given bad input; and a job that would change
 * nothing (the scaffold's unwritten stub, a `set` that leaves its rows pending), which must not
 * report success. Under a concurrent writer: test/kit/load/backfill-under-load.test.ts.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { backfillJobs } from '../fixtures/demo-project/src/backfills/index.ts';
import { UnwrittenBackfillError, type SqlBackfillJob } from '#kit/backfill/job.ts';
import { BackfillRunner } from '#kit/backfill/run-backfill.ts';
import { backfillJobStub } from '#kit/migration-scaffold/backfill-job-stub.ts';
import { dataDir } from '#kit-test/support/checkout.ts';
import { withPgClient } from '#kit/db/pg-client.ts';
import { dropDatabase } from '#kit/db/scratch-databases.ts';
import { cloneDemoDatabase } from '../setup/test-database.ts';
import { useDemoBackfill } from '../support/backfill-process.ts';
import { addUsersAwaitingTimezone } from '../support/users-awaiting-backfill.ts';

const demo = useDemoBackfill();
const backfill = demo.run;
const created: string[] = [];

afterEach(async () => {
  await Promise.all(created.splice(0).map((url) => dropDatabase(url)));
});

/** A database with `rows` users whose timezone is NULL, as if created before the column existed. */
async function databaseWithUsers(rows: number): Promise<string> {
  const url = await cloneDemoDatabase();
  created.push(url);
  await addUsersAwaitingTimezone(url, rows);
  return url;
}

const query = <T>(url: string, sql: string) =>
  withPgClient(url, async (client) => (await client.query(sql)).rows as T[]);
const batchesCommitted = async (url: string) =>
  Number((await query<{ n: string }>(url, 'SELECT count(*) AS n FROM backfill_batches'))[0]?.n ?? 0);

async function waitForBatches(url: string, atLeast: number): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    if ((await batchesCommitted(url)) >= atLeast) return;
    await sleep(25);
  }
  throw new Error(`no ${atLeast} batches within 15 s`);
}

/** A digest of the whole table: equal digests mean equal final tables. */
const tableDigest = async (url: string) =>
  (
    await query<{ digest: string }>(
      url,
      `SELECT md5(string_agg(id || ':' || coalesce(timezone, '∅'), ',' ORDER BY id)) AS digest FROM users`,
    )
  )[0]?.digest;

async function expectEachBatchAppliedOnce(url: string, totalRows: number) {
  const batches = await query<{ from_tuple: string[] | null; to_tuple: string[]; rows: number }>(
    url,
    'SELECT from_tuple, to_tuple, rows FROM backfill_batches ORDER BY run, batch',
  );
  // Consecutive key ranges that never overlap, adding up to every row exactly once.
  batches.forEach((batch, i) => {
    if (i > 0) expect(batch.from_tuple).toEqual(batches[i - 1]?.to_tuple);
  });
  expect(batches.reduce((sum, b) => sum + b.rows, 0)).toBe(totalRows);
}

describe('npm run backfill', () => {
  it('resumes after SIGKILL: same final table as an uninterrupted run, no batch applied twice', async () => {
    const rows = 20_000;
    const [killed, reference] = await Promise.all([databaseWithUsers(rows), databaseWithUsers(rows)]);

    // Slow enough (100 batches, 100 ms apart) to still be running when the --status below has
    // started, however busy the machine: at 10 ms apart it once finished first (PostgreSQL 14 cell
    // of the matrix).
    const first = backfill(killed, 'user-timezone', '--batch-size', '200', '--sleep-ms', '100');
    await waitForBatches(killed, 10);
    const during = await backfill(killed, 'user-timezone', '--status').done;
    expect(during.out).toMatch(/^user-timezone: run 1 running$/m);
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    // Its batches are seconds old, but its session (and so the job's lock) is gone: not "running".
    const status = await backfill(killed, 'user-timezone', '--status').done;
    expect(status.out).toMatch(/^user-timezone: run 1 stopped \(resume it by running it again\)$/m);
    const leftAfterKill = Number(
      (await query<{ n: string }>(killed, 'SELECT count(*) AS n FROM users WHERE timezone IS NULL'))[0]?.n,
    );
    expect(leftAfterKill).toBeGreaterThan(0);

    const resumed = await backfill(killed, 'user-timezone', '--batch-size', '500').done;
    expect(resumed.code, resumed.out).toBe(0);
    expect(resumed.out).toMatch(/done\. .*, resumed\)/);

    const uninterrupted = await backfill(reference, 'user-timezone', '--batch-size', '500').done;
    expect(uninterrupted.code, uninterrupted.out).toBe(0);
    expect(await tableDigest(killed)).toBe(await tableDigest(reference));
    await expectEachBatchAppliedOnce(killed, rows);

    const again = await backfill(killed, 'user-timezone').done;
    expect(again.out).toContain('nothing to do');
  });

  it('when the server ends its connection mid-run: one line with what was committed and how to resume', async () => {
    const url = await databaseWithUsers(20_000);
    const run = backfill(url, 'user-timezone', '--batch-size', '200', '--sleep-ms', '10');
    await waitForBatches(url, 5);
    // What a server restart or crash does to the runner (57P01), without stopping the shared server.
    await query(
      url,
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    const result = await run.done;
    expect(result.code).toBe(1);
    expect(result.out).not.toMatch(/\n\s+at /);
    const lines = result.out
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('error:'));
    expect(lines).toEqual([
      expect.stringMatching(
        /^error: user-timezone: the connection to the database was lost \(.*\) after [\d,]+ rows in committed batches; those stay done\. Resume with: npm run backfill -- user-timezone$/,
      ),
    ]);
    const resumed = await backfill(url, 'user-timezone', '--batch-size', '2000').done;
    expect(resumed.code, resumed.out).toBe(0);
    expect(resumed.out).toMatch(/done\. .*, resumed\)/);
  });

  it('lets one of two runners started together run, and the other refuse', async () => {
    const url = await databaseWithUsers(5_000);
    const [a, b] = [
      backfill(url, 'user-timezone', '--batch-size', '100', '--sleep-ms', '20'),
      backfill(url, 'user-timezone', '--batch-size', '100', '--sleep-ms', '20'),
    ];
    const results = await Promise.all([a.done, b.done]);
    const codes = results.map((r) => r.code).sort();
    expect(codes, results.map((r) => r.out).join('\n')).toEqual([0, 3]);
    expect(results.find((r) => r.code === 3)?.out).toContain('is already running');
    await expectEachBatchAppliedOnce(url, 5_000);
  });

  it('stops on SIGTERM after the current batch with exit 0, and resumes', async () => {
    const url = await databaseWithUsers(10_000);
    const run = backfill(url, 'user-timezone', '--batch-size', '100', '--sleep-ms', '20');
    await waitForBatches(url, 5);
    run.child.kill('SIGTERM');
    const stopped = await run.done;
    expect(stopped.code, stopped.out).toBe(0);
    expect(stopped.out).toContain('Resume with: npm run backfill -- user-timezone');

    const resumed = await backfill(url, 'user-timezone', '--batch-size', '1000').done;
    expect(resumed.code, resumed.out).toBe(0);
    expect(await query(url, 'SELECT count(*)::int AS n FROM users WHERE timezone IS NULL')).toEqual([{ n: 0 }]);
    await expectEachBatchAppliedOnce(url, 10_000);
  });

  it('SIGTERM to `npm run backfill` (what a platform sends) reaches the runner: it stops, nothing is left running', async () => {
    const url = await databaseWithUsers(10_000);
    // `npm run` runs the script through sh; the script execs node, so npm's signal reaches it.
    const child = spawn(
      'npm',
      ['run', '--silent', 'backfill', '--', 'user-timezone', '--batch-size', '100', '--sleep-ms', '50'],
      {
        cwd: demo.dir,
        env: { ...process.env, DATABASE_URL: url },
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    await waitForBatches(url, 5);
    child.kill('SIGTERM');
    await exited;
    const before = await batchesCommitted(url);
    await sleep(1_000);
    // A runner orphaned by npm would go on committing batches.
    expect(await batchesCommitted(url), out).toBe(before);
    expect(before).toBeLessThan(100);
    expect(out).toContain('Resume with: npm run backfill -- user-timezone');
  });

  it('--list and --pending call a job retired when a later migration dropped what it names', async () => {
    // The kit's history ends with the rename's contract: users.name, which user-display-name copies, is gone.
    const url = await databaseWithUsers(10);
    const list = await backfill(url, '--list').done;
    expect(list.code, list.out).toBe(0);
    expect(list.out).toMatch(/user-display-name\s+retired: column "name" does not exist/);
    expect(list.out).toMatch(/user-timezone\s+never run; 10 rows pending/);
    const pending = await backfill(url, '--pending').done;
    expect(pending.code, pending.out).toBe(0);
    expect(pending.out).toContain('user-display-name: skipped, retired (column "name" does not exist)');
    const direct = await backfill(url, 'user-display-name').done;
    expect(direct.code).toBe(1);
    expect(direct.out.trim().split('\n')).toEqual([
      'error: user-display-name is retired: column "name" does not exist. A later migration dropped what it names; remove it from src/backfills once no environment still has to run it.',
    ]);
  });

  it('--dry-run reports the rows that would change and changes none', async () => {
    const url = await databaseWithUsers(1_234);
    const before = await tableDigest(url);
    const dry = await backfill(url, 'user-timezone', '--dry-run').done;
    expect(dry.code, dry.out).toBe(0);
    expect(dry.out).toContain('1,234 rows would change; nothing was changed');
    expect(await tableDigest(url)).toBe(before);
    expect(await batchesCommitted(url)).toBe(0);
  });

  it('rejects an unknown job, bad batch sizes and bad worker options with one line', async () => {
    const url = await databaseWithUsers(10);
    const cases: Array<[string[], string]> = [
      [
        ['no-such-job'],
        `error: Unknown backfill job "no-such-job". Jobs: ${backfillJobs.map((job) => job.name).join(', ')}.`,
      ],
      [['user-timezone', '--workers', 'two'], 'error: --workers must be a whole number ≥ 0 (got "two").'],
      [['user-timezone', '--workers', '2', '--slice-s', '0'], 'error: --slice-s must be a whole number ≥ 1 (got "0").'],
      [['user-timezone', '--batch-size', '0'], 'error: --batch-size must be a whole number ≥ 1 (got "0").'],
      [['user-timezone', '--batch-size', 'lots'], 'error: --batch-size must be a whole number ≥ 1 (got "lots").'],
    ];
    for (const [args, message] of cases) {
      const result = await backfill(url, ...args).done;
      expect(result.code).not.toBe(0);
      expect(result.out.trim()).toBe(message);
    }
    expect(await batchesCommitted(url)).toBe(0);
  });

  it('a failing update rolls back its batch, keeps the earlier ones and exits non-zero', async () => {
    const url = await databaseWithUsers(5_000);
    // Failure injected on the database side: updating user 3,000 raises.
    await query(
      url,
      `CREATE FUNCTION refuse_3000() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN IF NEW.id = 3000 THEN RAISE EXCEPTION 'user 3000 is special'; END IF; RETURN NEW; END $$;
       CREATE TRIGGER refuse_3000 BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION refuse_3000();`,
    );
    const result = await backfill(url, 'user-timezone', '--batch-size', '500').done;
    expect(result.code).not.toBe(0);
    expect(result.out).toContain(
      'A batch of "user-timezone" after key (2500) failed and was rolled back: user 3000 is special',
    );
    expect(result.out).not.toMatch(/\n\s+at /);
    const state = await query(
      url,
      `SELECT count(*) FILTER (WHERE id <= 2500 AND timezone = 'UTC')::int AS kept,
              count(*) FILTER (WHERE id > 2500 AND timezone IS NULL)::int AS untouched FROM users`,
    );
    expect(state).toEqual([{ kept: 2500, untouched: 2500 }]);
  });
});

describe('a backfill that would change nothing', () => {
  const awaitingTimezone = async (url: string) =>
    (await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM users WHERE timezone IS NULL'))[0]!.n;

  async function runInProcess(url: string, job: SqlBackfillJob) {
    const runner = await BackfillRunner.connect(url, job);
    try {
      return await runner.run({ batchSize: 100, sleepMs: 0 });
    } finally {
      await runner.close();
    }
  }

  it('the scaffolded job stub refuses to run until its value is written, and changes nothing', async () => {
    const dir = join(dataDir, 'tmp', `stub-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'user-timezone-stub.ts');
    writeFileSync(
      file,
      backfillJobStub({ job: 'user-timezone-stub', table: 'users', column: 'timezone', migration: 'users_timezone' }),
    );
    const { userTimezoneStub } = (await import(file)) as { userTimezoneStub: SqlBackfillJob };
    rmSync(dir, { recursive: true, force: true });
    const url = await databaseWithUsers(500);
    const refused = runInProcess(url, userTimezoneStub);
    await expect(refused).rejects.toBeInstanceOf(UnwrittenBackfillError);
    await expect(refused).rejects.toThrow(
      /^Backfill "user-timezone-stub" is still the scaffold's stub\. Write the value each row gets \(the TODO at `set` in src\/backfills\/user-timezone-stub\.ts\), then run it again\. Nothing was changed\.$/,
    );
    expect(await awaitingTimezone(url)).toBeGreaterThanOrEqual(500);
  });

  it('a pass whose change leaves its rows pending says how many are still pending', async () => {
    const url = await databaseWithUsers(500);
    const pending = await awaitingTimezone(url);
    const noOp: SqlBackfillJob = {
      name: 'timezone-no-op',
      description: 'rewrites each row to itself',
      table: 'users',
      key: 'id',
      pending: 'timezone IS NULL',
      set: 'timezone = timezone',
    };
    const outcome = await runInProcess(url, noOp);
    expect(outcome).toMatchObject({ kind: 'finished', rowsChanged: pending, stillPending: pending });

    const filled = await runInProcess(url, { ...noOp, name: 'timezone-utc', set: `timezone = 'UTC'` });
    expect(filled).toMatchObject({ kind: 'finished', rowsChanged: pending, stillPending: 0 });
  });

  it('on workers too: a SQL job whose pass leaves its rows pending fails in one line instead of saying done', async () => {
    const url = await databaseWithUsers(500);
    // A job of the team's that rewrites each row to itself, in the demo copy's job list.
    const jobs = join(demo.dir, 'src', 'backfills');
    writeFileSync(
      join(jobs, 'timezone-no-op.ts'),
      `export const timezoneNoOp = { name: 'timezone-no-op', description: 'rewrites each row to itself', table: 'users', key: 'id', pending: 'timezone IS NULL', set: 'timezone = timezone' };\n`,
    );
    const index = join(jobs, 'index.ts');
    const original = readFileSync(index, 'utf8');
    writeFileSync(
      index,
      `${original.replace('export const backfillJobs: BackfillJob[] = [', "import { timezoneNoOp } from './timezone-no-op.ts';\nexport const backfillJobs: BackfillJob[] = [timezoneNoOp, ")}`,
    );
    try {
      const run = await backfill(url, 'timezone-no-op', '--workers', '2', '--batch-size', '100').done;
      expect(run.code, run.out).toBe(1);
      expect(run.out).not.toContain('timezone-no-op: done.');
      expect(run.out.trim().split('\n').at(-1)).toMatch(
        /^error: timezone-no-op: the pass wrote 500 rows, yet 500 rows still match its pending condition \(timezone IS NULL\)/,
      );
    } finally {
      writeFileSync(index, original);
      rmSync(join(jobs, 'timezone-no-op.ts'));
    }
  });
});
