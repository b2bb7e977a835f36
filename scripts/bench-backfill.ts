/**
 * `npm run bench:backfill [-- --rows N] [--batch-size N]` (default 1,000,000 rows, batches of 2,000).
 * The user-timezone backfill as the runner does it (no throttle) vs one `UPDATE` of the same rows,
 * each with a concurrent writer inserting and updating users: total time and the writer's
 * longest, p50 and p99 write. Works in throwaway kit_bench_* databases on the kit's server.
 */
import { BackfillRunner } from '../src/backfill/run-backfill.ts';
import { userTimezone } from '../src/backfills/user-timezone.ts';
import { withDatabase } from '../src/db/connection-url.ts';
import { ensureDatabase } from '../src/db/database-url.ts';
import { withPgClient } from '../src/db/pg-client.ts';
import { cloneDatabase, dropDatabasesWithPrefix, migrateDatabase } from '../src/db/scratch-databases.ts';
import { parseCount } from '../src/parse-count.ts';
import { createProgress } from '../src/progress.ts';
import { parseCliArgs } from '../src/parse-cli-args.ts';
import { runCli } from '../src/run-cli.ts';
import { startConcurrentWriter, type WriterStats } from '../test/support/concurrent-writer.ts';
import { addUsersAwaitingTimezone } from '../test/support/users-awaiting-backfill.ts';

const PREFIX = 'kit_bench_';

async function databaseWithUsers(server: string, template: string, name: string, rows: number): Promise<string> {
  const url = await cloneDatabase(server, template, name);
  await addUsersAwaitingTimezone(url, rows);
  return url;
}

const fmt = (ms: number) => `${Math.round(ms).toLocaleString('en-US')} ms`;

runCli(async (argv) => {
  const { values } = parseCliArgs({ args: argv, options: { rows: { type: 'string', default: '1000000' }, 'batch-size': { type: 'string', default: '2000' } } }, 'Usage: npm run bench:backfill -- [--rows N] [--batch-size N]');
  const rows = parseCount('--rows', values.rows, 1);
  const batchSize = parseCount('--batch-size', values['batch-size'], 1);
  const server = withDatabase((await ensureDatabase()).url, 'postgres');
  await dropDatabasesWithPrefix(server, PREFIX);
  const template = `${PREFIX}template`;
  const results: Array<{ name: string; ms: number; writer: WriterStats }> = [];
  try {
    await migrateDatabase(withDatabase(server, template));
    console.log(`filling two databases with ${rows.toLocaleString('en-US')} users…`);
    const single = await databaseWithUsers(server, template, `${PREFIX}single`, rows);
    const batched = await databaseWithUsers(server, template, `${PREFIX}runner`, rows);

    {
      const writer = startConcurrentWriter(single, rows);
      const started = performance.now();
      await withPgClient(single, (client) => client.query(`UPDATE users SET ${userTimezone.set} WHERE ${userTimezone.pending}`));
      results.push({ name: 'one UPDATE', ms: performance.now() - started, writer: await writer.stop() });
    }
    {
      const writer = startConcurrentWriter(batched, rows);
      const runner = await BackfillRunner.connect(batched, userTimezone);
      const progress = createProgress({ label: 'runner', total: rows });
      const started = performance.now();
      try {
        await runner.run({ batchSize, sleepMs: 0, onBatch: ({ rowsChanged }) => progress.update(rowsChanged) });
      } finally {
        progress.finish();
        await runner.close();
      }
      results.push({ name: `runner, batches of ${batchSize.toLocaleString('en-US')}`, ms: performance.now() - started, writer: await writer.stop() });
    }
  } finally {
    await dropDatabasesWithPrefix(server, PREFIX);
  }

  const [update, runner] = results as [(typeof results)[0], (typeof results)[0]];
  console.log(`\nbench:backfill, ${rows.toLocaleString('en-US')} rows`);
  console.log('| method | total | writer: writes | longest | p50 | p99 | failed |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    console.log(`| ${r.name} | ${fmt(r.ms)} | ${r.writer.writes} | ${fmt(r.writer.maxMs)} | ${r.writer.p50Ms.toFixed(1)} ms | ${r.writer.p99Ms.toFixed(1)} ms | ${r.writer.failures.length} |`);
  }
  console.log(`runner total = ${(runner.ms / update.ms).toFixed(2)}× the single UPDATE (goal ≤ 1.5×); writer's longest write ${fmt(runner.writer.maxMs)} (goal < 50 ms)`);
});
