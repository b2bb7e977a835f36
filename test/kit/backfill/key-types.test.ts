/**
 * The runner on the keys real Prisma schemas use: uuid (`@default(uuid())`), text (`cuid()`, or a
 * natural key in a non-C collation) and composite (`@@id([tenantId, id])`). Each table counts
 * every update a row receives in a trigger, so "every row exactly once" is measured, not assumed,
 * across an interrupted run, its resume, and a run split into ranges.
 */
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { startOrResumeRun, unfinishedRanges } from '#kit/backfill/bookkeeping.ts';
import { DEFAULT_PRESSURE_LIMITS } from '#kit/backfill/pressure.ts';
import { prepareJob, runRange } from '#kit/backfill/run-range.ts';
import type { SqlBackfillJob } from '#kit/backfill/job.ts';
import { readKeyShape } from '#kit/backfill/key-tuple.ts';
import { planRanges } from '#kit/backfill/plan-ranges.ts';
import { BackfillRunner } from '#kit/backfill/run-backfill.ts';
import { withPgClient } from '#kit/db/pg-client.ts';
import { useTestDatabase } from '../setup/test-database.ts';

const t = useTestDatabase({ demo: true });
const ROWS = 3_000;

interface KeyCase {
  table: string;
  key: string[];
  create: string;
  fill: string;
}

const cases: KeyCase[] = [
  {
    table: 'uuid_docs',
    key: ['id'],
    create:
      'CREATE TABLE uuid_docs (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), state text, updates int NOT NULL DEFAULT 0)',
    fill: `INSERT INTO uuid_docs (state) SELECT NULL FROM generate_series(1, ${ROWS})`,
  },
  {
    table: 'text_docs',
    key: ['code'],
    // Mixed case, accents and digits: the order is the column's collation, never JavaScript's.
    create: `CREATE TABLE text_docs (code text COLLATE "en-x-icu" PRIMARY KEY, state text, updates int NOT NULL DEFAULT 0)`,
    fill: `INSERT INTO text_docs (code) SELECT (ARRAY['a','B','é','Z','ö'])[1 + g % 5] || md5(g::text) FROM generate_series(1, ${ROWS}) g`,
  },
  {
    table: 'tenant_docs',
    key: ['tenant', 'seq'],
    create:
      'CREATE TABLE tenant_docs (tenant text NOT NULL, seq bigint NOT NULL, state text, updates int NOT NULL DEFAULT 0, PRIMARY KEY (tenant, seq))',
    fill: `INSERT INTO tenant_docs (tenant, seq) SELECT 'tenant-' || (g % 7), g FROM generate_series(1, ${ROWS}) g`,
  },
];

const jobFor = (c: KeyCase): SqlBackfillJob => ({
  name: `fill-${c.table}`,
  description: `fill ${c.table}.state`,
  table: c.table,
  key: c.key,
  pending: 'state IS NULL',
  set: "state = 'done'",
});

async function createTable(c: KeyCase): Promise<void> {
  await withPgClient(t.url, async (client) => {
    await client.query(c.create);
    await client.query(
      `CREATE OR REPLACE FUNCTION count_updates() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updates := OLD.updates + 1; RETURN NEW; END $$`,
    );
    await client.query(
      `CREATE TRIGGER count_updates BEFORE UPDATE ON ${c.table} FOR EACH ROW EXECUTE FUNCTION count_updates()`,
    );
    await client.query(c.fill);
    await client.query(`ANALYZE ${c.table}`);
  });
}

const updateCounts = (table: string) =>
  withPgClient(
    t.url,
    async (client) =>
      (await client.query(`SELECT updates, count(*)::int AS n FROM ${table} GROUP BY updates ORDER BY updates`)).rows,
  );

/** Batches of one range follow each other with no gap or overlap, and add up to `rows`. */
async function expectContiguousBatches(job: string, rows: number) {
  const batches = await withPgClient(
    t.url,
    async (client) =>
      (
        await client.query<{ range: number; from_tuple: string[] | null; to_tuple: string[]; rows: number }>(
          'SELECT range, from_tuple, to_tuple, rows FROM backfill_batches WHERE job = $1 ORDER BY range, batch',
          [job],
        )
      ).rows,
  );
  batches.forEach((batch, i) => {
    const previous = batches[i - 1];
    if (previous && previous.range === batch.range) expect(batch.from_tuple).toEqual(previous.to_tuple);
  });
  expect(batches.reduce((sum, batch) => sum + batch.rows, 0)).toBe(rows);
}

describe.each(cases)('backfill keyed by $table ($key)', (c) => {
  it('stopped mid-run and resumed: every row updated exactly once, batches contiguous', async () => {
    await createTable(c);
    const job = jobFor(c);
    const stop = new AbortController();
    const first = await BackfillRunner.connect(t.url, job);
    let batches = 0;
    const stopped = await first
      .run({
        batchSize: 170,
        sleepMs: 0,
        signal: stop.signal,
        onBatch: () => (++batches === 5 ? stop.abort() : undefined),
      })
      .finally(() => first.close());
    expect(stopped.kind).toBe('stopped');

    const second = await BackfillRunner.connect(t.url, job);
    const finished = await second.run({ batchSize: 400, sleepMs: 0 }).finally(() => second.close());
    expect(finished).toMatchObject({ kind: 'finished', resumed: true, rowsChanged: ROWS - 5 * 170 });
    expect(await updateCounts(c.table)).toEqual([{ updates: 1, n: ROWS }]);
    await expectContiguousBatches(job.name, ROWS);
  });

  it('split into key ranges (as for queue workers): ranges cover the table once, whatever the key type', async () => {
    await withPgClient(t.url, (client) =>
      client.query(
        `ALTER TABLE ${c.table} DISABLE TRIGGER count_updates; UPDATE ${c.table} SET state = NULL, updates = 0; ALTER TABLE ${c.table} ENABLE TRIGGER count_updates`,
      ),
    );
    const job = { ...jobFor(c), name: `split-${c.table}` };
    const ranges = await withPgClient(t.url, async (client) => {
      const shape = await readKeyShape(client, c.table, c.key);
      const planned = await planRanges(client, c.table, shape, 6);
      await startOrResumeRun(client, job.name, ROWS, async () => planned);
      return planned;
    });
    expect(ranges.length).toBeGreaterThan(3);
    const runner = await BackfillRunner.connect(t.url, job);
    const outcome = await runner.run({ batchSize: 250, sleepMs: 0 }).finally(() => runner.close());
    expect(outcome).toMatchObject({ kind: 'finished', rowsChanged: ROWS });
    expect(await updateCounts(c.table)).toEqual([{ updates: 1, n: ROWS }]);
    const perRange = await withPgClient(
      t.url,
      async (client) =>
        (
          await client.query(
            'SELECT range, rows_done::int AS rows FROM backfill_ranges WHERE job = $1 ORDER BY range',
            [job.name],
          )
        ).rows,
    );
    expect(perRange).toHaveLength(ranges.length);
    // A sampled split: no range is empty, and none holds most of the table.
    for (const range of perRange) expect(range.rows).toBeGreaterThan(0);
    for (const range of perRange) expect(range.rows).toBeLessThan(ROWS / 2);
    await expectContiguousBatches(job.name, ROWS);
  });
});

/** A table of ROWS rows keyed by a bigint, for the tests that are about batches rather than key types. */
const bigintKeyedTable = (table: string): KeyCase => ({
  table,
  key: ['id'],
  create: `CREATE TABLE ${table} (id bigint PRIMARY KEY, state text, updates int NOT NULL DEFAULT 0)`,
  fill: `INSERT INTO ${table} (id) SELECT g FROM generate_series(1, ${ROWS}) g`,
});

describe('two processes handed the same range (a duplicate queue delivery)', () => {
  it('each batch commits once: the loser of a claim rolls back and leaves the range', async () => {
    const c = bigintKeyedTable('delivered_twice');
    await createTable(c);
    const job = { ...jobFor(c), name: 'duplicate-delivery' };
    const clients = [new pg.Client(t.url), new pg.Client(t.url)];
    await Promise.all(clients.map((client) => client.connect()));
    try {
      const run = (await startOrResumeRun(clients[0]!, job.name, ROWS, async () => [{ lower: null, upper: null }]))!
        .run;
      const [range] = await unfinishedRanges(clients[0]!, job.name, run);
      const outcomes = await Promise.all(
        clients.map(async (client) =>
          runRange(client, await prepareJob(client, job), run, range!, {
            batchSize: 100,
            sleepMs: 0,
            pressure: DEFAULT_PRESSURE_LIMITS,
          }),
        ),
      );
      expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(['finished', 'taken']);
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
    expect(await updateCounts(c.table)).toEqual([{ updates: 1, n: ROWS }]);
    await expectContiguousBatches(job.name, ROWS);
  });
});

describe('a batch and the app', () => {
  it("a SET job's batch is one statement: its session never sits in an open transaction holding rows an app write waits for", async () => {
    // With BEGIN … COMMIT around a batch, its row locks outlived each round trip to the runner, and
    // an app write waited as long as the runner's process took to send the next one (2.8 s with two
    // queue workers on a busy machine: docs/benchmarks/bench-backfill.md).
    const c = bigintKeyedTable('one_statement');
    await createTable(c);
    const job = jobFor(c);
    const client = new pg.Client(t.url);
    await client.connect();
    const sent: string[] = [];
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text: string }).text;
      sent.push(text.trim());
      return query(...args);
    };
    try {
      const run = (await startOrResumeRun(client, job.name, ROWS, async () => [{ lower: null, upper: null }]))!.run;
      const [range] = await unfinishedRanges(client, job.name, run);
      sent.length = 0;
      const outcome = await runRange(client, await prepareJob(client, job), run, range!, {
        batchSize: 100,
        sleepMs: 0,
        pressure: DEFAULT_PRESSURE_LIMITS,
      });
      expect(outcome).toMatchObject({ kind: 'finished', rowsChanged: ROWS, batches: ROWS / 100 });
    } finally {
      await client.end();
    }
    expect(sent.filter((text) => /^(BEGIN|COMMIT|ROLLBACK)\b/i.test(text))).toEqual([]);
    expect(sent.filter((text) => text.includes('UPDATE "one_statement"'))).toHaveLength(ROWS / 100 + 1);
    await expectContiguousBatches(job.name, ROWS);
  });
});
