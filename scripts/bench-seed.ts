/**
 * `npm run kit -- bench seed [-- --users N]` (default 100,000). Prints three comparisons:
 *  (a) the dev seed's batched factory inserts vs one `create` per row, for N users
 *  (b) a reference-seed re-run with unchanged files: time and rows written
 *  (c) a fresh database: clone from a migrated template vs `prisma migrate deploy`
 * Works in throwaway kit_bench_* databases on the kit's server; never touches the dev database.
 */
import { faker } from '@faker-js/faker';
import { createPrismaClient } from '../src/db/client.ts';
import { withDatabase } from '#kit/db/connection-url.ts';
import { ensureDatabase } from '#kit/db/database-url.ts';
import { cloneDatabase, dropDatabase, dropDatabasesWithPrefix, migrateDatabase } from '#kit/db/scratch-databases.ts';
import { parseCount } from '#kit/parse-count.ts';
import { createProgress } from '#kit/progress.ts';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { KitError } from '#kit/kit-error.ts';
import { runCli } from '#kit/run-cli.ts';
import { seedReferenceData } from '#kit/seeding/reference-seed.ts';
import kitConfig from '../kit.config.ts';
import { DEV_SEED_DEFAULTS, seedDevData } from '../src/seeding/dev-seed.ts';
import { userFactory } from '../test/factories/index.ts';

const PREFIX = 'kit_bench_';
const TEMPLATE = `${PREFIX}template`;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

const ms = (value: number) => `${Math.round(value).toLocaleString('en-US')} ms`;

/** Marks a result as meeting its goal or not; a miss makes the run exit non-zero. */
const missed: string[] = [];
function goal(met: boolean, text: string): string {
  if (!met) missed.push(text);
  return `${met ? '✓' : '✗'} ${text}`;
}

runCli(async (argv, settings) => {
  const { values } = parseCliArgs(
    { args: argv, options: { users: { type: 'string', default: '100000' } } },
    'Usage: npm run kit -- bench seed [--users N]',
  );
  const users = parseCount('--users', values.users, 1);
  const server = withDatabase((await ensureDatabase()).url, 'postgres');
  await dropDatabasesWithPrefix(server, PREFIX);
  const rows: string[][] = [];

  try {
    // (c) first: it also makes the template the other comparisons clone from.
    const deploy = await timed(() => migrateDatabase(withDatabase(server, TEMPLATE), settings.root));
    // Clones are short and noisy (disk flushes): report the median of five.
    const cloneTimes: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const clone = await timed(() => cloneDatabase(server, TEMPLATE, `${PREFIX}clone`));
      await dropDatabase(clone.value);
      cloneTimes.push(clone.ms);
    }
    const clone = { ms: cloneTimes.sort((x, y) => x - y)[2] as number };
    rows.push([
      'fresh database',
      `clone ${ms(clone.ms)} (median of 5)`,
      `migrate deploy ${ms(deploy.ms)}`,
      goal(clone.ms / deploy.ms < 0.1, `clone = ${((clone.ms / deploy.ms) * 100).toFixed(1)}% of deploy (goal < 10%)`),
    ]);

    // (a) batched factories (the dev seed itself) vs one create per row.
    const batchedUrl = await cloneDatabase(server, TEMPLATE, `${PREFIX}batched`);
    const perRowUrl = await cloneDatabase(server, TEMPLATE, `${PREFIX}per_row`);
    await seedReferenceData(batchedUrl, { tables: kitConfig.referenceTables, dir: settings.reference }); // the dev seed needs the roles
    const batchedDb = createPrismaClient(batchedUrl);
    const perRowDb = createPrismaClient(perRowUrl);
    try {
      const batched = await timed(() => seedDevData(batchedDb, { ...DEV_SEED_DEFAULTS, users, postsPerUser: 0 }));
      faker.seed(DEV_SEED_DEFAULTS.seed);
      const progress = createProgress({ label: 'one create per row', total: users });
      const perRow = await timed(async () => {
        for (let i = 0; i < users; i += 1) {
          await perRowDb.user.create({ data: userFactory.build() });
          if (i % 500 === 0) progress.update(i);
        }
        progress.update(users);
        progress.finish();
      });
      rows.push([
        `dev seed, ${users.toLocaleString('en-US')} users`,
        `batched ${ms(batched.ms)}`,
        `one create per row ${ms(perRow.ms)}`,
        goal(perRow.ms / batched.ms >= 10, `${(perRow.ms / batched.ms).toFixed(1)}× faster (goal ≥ 10×)`),
      ]);
    } finally {
      await batchedDb.$disconnect();
      await perRowDb.$disconnect();
    }

    // (b) the reference seed again, files unchanged.
    const rerun = await timed(() =>
      seedReferenceData(batchedUrl, { tables: kitConfig.referenceTables, dir: settings.reference }),
    );
    const written = rerun.value.reduce((sum, r) => sum + r.created + r.updated + r.removed, 0);
    rows.push([
      'reference seed re-run',
      `${ms(rerun.ms)}`,
      `${written} rows written`,
      goal(rerun.ms < 1000 && written === 0, 'goal < 1,000 ms and 0 rows'),
    ]);
  } finally {
    await dropDatabasesWithPrefix(server, PREFIX);
  }

  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  console.log('\nbench:seed');
  for (const row of rows) console.log(`  ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  |  ')}`);
  if (missed.length > 0) {
    throw new KitError(`${missed.length} goal(s) missed: ${missed.join('; ')}`, {
      fix: 'Small inputs are dominated by fixed costs; try the defaults.',
    });
  }
});
