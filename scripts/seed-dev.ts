/**
 * `npm run seed:dev [-- --users N] [--seed N] [--posts-per-user N]`
 * Sample data built with the test factories. Refuses production and any server that is not the
 * embedded one or the one named in KIT_DEV_SERVER_ID (src/kit/db/development-server.ts).
 */
import { createPrismaClient } from '../src/db/client.ts';
import { redactUrl } from '#kit/db/connection-url.ts';
import { requireDatabaseUrl } from '#kit/db/database-url.ts';
import { assertDevSeedAllowed, DEV_SEED_DEFAULTS, NAMED_ACCOUNTS, seedDevData } from '../src/seeding/dev-seed.ts';
import { parseCount } from '#kit/parse-count.ts';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { runCli } from '#kit/run-cli.ts';

runCli(async (argv) => {
  const { values } = parseCliArgs(
    {
      args: argv,
      options: {
        users: { type: 'string', default: String(DEV_SEED_DEFAULTS.users) },
        seed: { type: 'string', default: String(DEV_SEED_DEFAULTS.seed) },
        'posts-per-user': { type: 'string', default: String(DEV_SEED_DEFAULTS.postsPerUser) },
      },
    },
    'Usage: npm run seed:dev -- [--users N] [--seed N] [--posts-per-user N]',
  );
  const options = {
    users: parseCount('--users', values.users, 0),
    seed: parseCount('--seed', values.seed, 0),
    postsPerUser: parseCount('--posts-per-user', values['posts-per-user'], 0),
  };
  const url = requireDatabaseUrl();
  await assertDevSeedAllowed(url);
  const db = createPrismaClient(url);
  try {
    const started = performance.now();
    const result = await seedDevData(db, options);
    console.log(`dev seed → ${redactUrl(url)} (seed ${options.seed}, ${Math.round(performance.now() - started)} ms)`);
    console.log(
      `  users created ${result.usersCreated}, posts created ${result.postsCreated} (re-runs with the same --seed create none)`,
    );
    console.log('  sign in as (no passwords in this kit; wire these emails to your auth provider):');
    for (const account of NAMED_ACCOUNTS) console.log(`    ${account.email.padEnd(22)} ${account.hint}`);
  } finally {
    await db.$disconnect();
  }
});
