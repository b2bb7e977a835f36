/**
 * `npm run setup`: everything a fresh clone needs, idempotent.
 * Database (embedded unless DATABASE_URL) → generate client → migrate deploy → reference seed →
 * dev seed (not in production) → summary. A second run changes nothing and says so.
 */
import { importBundled } from '#kit/build/bundle-if-stale.mjs';
import { KitError } from '#kit/kit-error.ts';
import { databaseName, redactUrl } from '#kit/db/connection-url.ts';
import { ensureDatabase } from '#kit/db/database-url.ts';
import { developmentServerRefusal } from '#kit/db/development-server.ts';
import { prismaFailureLine, type PrismaRun, runPrisma } from '#kit/prisma-cli.ts';
import { runCli } from '#kit/run-cli.ts';
import { migrationFolders } from '#kit/migrations/migration-folders.ts';
import { readMigrationHistory } from '#kit/migrations/migration-history.ts';
import { generateClientIfStale } from '#kit/setup/generate-client.ts';
import { appliedMigrationCount, rowCounts } from '#kit/setup/database-summary.ts';
import { seedReferenceData } from '#kit/seeding/reference-seed.ts';
import kitConfig from '../kit.config.ts';
import { formatSeedResults } from '#kit/seeding/format-results.ts';

const step = (label: string, detail: string) => console.log(`✓ ${label.padEnd(15)} ${detail}`);

/**
 * A database whose applied migrations are not all in prisma/migrations has another history than
 * this checkout: typically setup ran before `kit init` squashed the demo into a baseline,
 * and deploying would replay that baseline onto the tables it describes (P3018, "type … already
 * exists"). Say so before Prisma tries, with the one way out that fits the server.
 */
async function refuseForeignHistory(url: string, applied: string[], migrationsDir: string): Promise<void> {
  const onDisk = new Set(migrationFolders(migrationsDir));
  const foreign = applied.filter((name) => !onDisk.has(name));
  if (foreign.length === 0) return;
  const what = `The database has ${foreign.length} applied migration${foreign.length === 1 ? '' : 's'} that prisma/migrations does not (first: ${foreign[0]}), so its history is not this checkout's (did kit init squash it after a setup?).`;
  if (await developmentServerRefusal(url, 'a reset'))
    throw new KitError(
      `${what} This is not a development server, so nothing was changed: compare with npx prisma migrate status and point DATABASE_URL at the database this history belongs to`,
    );
  throw new KitError(`${what} On this development database: npx prisma migrate reset --force, then npm run setup`);
}

/** What to do about a failed deploy: fix a migration only when a migration is what failed. */
function deployFailure(deploy: PrismaRun, url: string): string {
  const output = deploy.stdout + deploy.stderr;
  if (/P3018|P3006|migration .* failed/i.test(output))
    return 'prisma migrate deploy failed on a migration (output above). Fix the migration, or see docs/migrations/how-prisma-runs-a-migration.md; npm run migrate:recover explains a failed one.';
  if (/permission denied to create database/.test(output))
    return `prisma migrate deploy failed: the database ${databaseName(url)} does not exist, and the role ${decodeURIComponent(new URL(url).username)} may not create it. Create it (CREATE DATABASE … OWNER that role) as an admin, or point DATABASE_URL at an existing one.`;
  return `prisma migrate deploy failed: ${prismaFailureLine(deploy)}`;
}

runCli(async (args, settings) => {
  if (args.length > 0) throw new KitError(`npm run setup takes no arguments (got ${args.join(' ')})`);
  const started = performance.now();

  const database = await ensureDatabase();
  if (database.note) console.log(`note: ${database.note}`);
  const how = database.source === 'DATABASE_URL' ? 'DATABASE_URL' : `embedded PostgreSQL, ${database.embedded}`;
  step('database', `${redactUrl(database.url)} (${how})`);

  const generated = await generateClientIfStale(settings);
  step('prisma client', generated.ran ? `generated (${generated.engineLine})` : 'up to date');

  const before = await appliedMigrationCount(database.url);
  // Every folder recorded as applied and none failed: nothing for `migrate deploy` to do, and
  // skipping its 2 s is most of what a no-op setup costs. Anything else goes to Prisma.
  const history = await readMigrationHistory(database.url, settings.migrations);
  await refuseForeignHistory(
    database.url,
    history.applied.map((record) => record.name),
    settings.migrations,
  );
  if (history.pending.length > 0 || history.failed.length > 0 || before === 0) {
    const deploy = await runPrisma(['migrate', 'deploy'], { url: database.url, cwd: settings.root });
    if (deploy.code !== 0) {
      process.stderr.write(deploy.stdout + deploy.stderr);
      throw new KitError(deployFailure(deploy, database.url));
    }
  }
  const after = await appliedMigrationCount(database.url);
  step('migrations', `${after - before} applied now, ${after} in total`);

  const reference = await seedReferenceData(database.url, {
    tables: kitConfig.referenceTables,
    dir: settings.reference,
  });
  const referenceWrites = reference.reduce((sum, r) => sum + r.created + r.updated + r.removed, 0);
  step('reference seed', referenceWrites === 0 ? 'unchanged' : `${referenceWrites} rows written`);
  if (referenceWrites > 0) console.log(formatSeedResults(reference));

  let devRows = 0;
  // Sample data only on a development server, known by its identity (src/kit/db/development-server.ts).
  if (await developmentServerRefusal(database.url, 'the dev seed')) {
    step('dev seed', 'skipped: not a development server (npm run seed:dev says why)');
  } else {
    // Loaded only on a development server (the dev seed needs faker, a dev dependency), and bundled
    // only now: both import the Prisma Client that the step above may just have generated.
    const { seedDevData, DEV_SEED_DEFAULTS } = (await importBundled(
      settings.root,
      'src/seeding/dev-seed.ts',
    )) as typeof import('../src/seeding/dev-seed.ts');
    const { createPrismaClient } = (await importBundled(
      settings.root,
      'src/db/client.ts',
    )) as typeof import('../src/db/client.ts');
    const db = createPrismaClient(database.url);
    try {
      const result = await seedDevData(db, DEV_SEED_DEFAULTS);
      devRows = result.usersCreated + result.postsCreated;
      step(
        'dev seed',
        devRows === 0
          ? 'unchanged'
          : `${result.usersCreated} users, ${result.postsCreated} posts (npm run seed:dev for more)`,
      );
    } finally {
      await db.$disconnect();
    }
  }

  const counts = await rowCounts(database.url);
  console.log(`  rows: ${counts.map(({ table, rows }) => `${table} ${rows}`).join(', ')}`);
  const changed =
    database.embedded === 'started' || generated.ran || after > before || referenceWrites > 0 || devRows > 0;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    changed
      ? `setup done in ${seconds}s. Next: npm test`
      : `nothing to do: everything was already set up (${seconds}s).`,
  );
});
