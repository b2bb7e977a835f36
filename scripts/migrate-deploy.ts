/**
 * `npm run migrate:deploy [-- --retries N] [--backoff-s N] [--wait-for-old-transactions-s N] [--old-transaction-s N]`
 * `prisma migrate deploy`, after waiting (up to 30 s) for transactions older than 5 s that hold a
 * table the pending migrations lock, and retried (3 times, 10 s, 20 s, 40 s apart) when a
 * migration stopped on a lock timeout and can run again; the deploy workflow runs it. The numbers
 * are kit.config.ts's policy (these are its defaults); a flag changes one for one run.
 * Anything else stops at once with one line, and `npm run migrate:recover` explains it.
 */
import { requireDatabaseUrl } from '#kit/db/database-url.ts';
import { resolvePolicy } from '#kit/kit-config.ts';
import { deployWithRetries } from '#kit/migrations/deploy-with-retries.ts';
import kitConfig from '../kit.config.ts';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { parseCount } from '#kit/parse-count.ts';
import { runCli } from '#kit/run-cli.ts';

const USAGE =
  'Usage: npm run migrate:deploy -- [--retries N] [--backoff-s N] [--wait-for-old-transactions-s N] [--old-transaction-s N]';

runCli(async (argv, { root, migrations }) => {
  const policy = resolvePolicy(kitConfig);
  const { values } = parseCliArgs(
    {
      args: argv,
      options: {
        retries: { type: 'string', default: String(policy.deployRetries) },
        'backoff-s': { type: 'string', default: String(policy.deployBackoffSeconds) },
        'wait-for-old-transactions-s': {
          type: 'string',
          default: String(policy.waitForOldTransactionsSeconds),
        },
        'old-transaction-s': { type: 'string', default: String(policy.oldTransactionSeconds) },
      },
    },
    USAGE,
  );
  const settings = {
    project: { root, migrations },
    retries: parseCount('--retries', values.retries, 0),
    backoffMs: parseCount('--backoff-s', values['backoff-s'], 0) * 1000,
    preflight: {
      waitMs: parseCount('--wait-for-old-transactions-s', values['wait-for-old-transactions-s'], 0) * 1000,
      olderThanMs: parseCount('--old-transaction-s', values['old-transaction-s'], 0) * 1000,
    },
  };
  const attempts = await deployWithRetries(requireDatabaseUrl(), settings, (line) => console.log(line));
  if (attempts > 1) console.log(`deployed on attempt ${attempts}.`);
});
