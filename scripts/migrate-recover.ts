/**
 * `npm run migrate:recover [-- --retry | --rolled-back | --applied]`
 * Without a flag: explains the failed migration and the ways out (exit 1 while one is failed).
 * With one: performs it with `prisma migrate resolve` (and, for --retry, deploys again).
 */
import { KitError } from '#kit/kit-error.ts';
import { requireDatabaseUrl } from '#kit/db/database-url.ts';
import { recover, type RecoveryAction } from '#kit/migrations/recover.ts';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { runCli } from '#kit/run-cli.ts';

const USAGE = 'Usage: npm run migrate:recover [-- --retry | --rolled-back | --applied]';

runCli(async (argv, settings) => {
  const { values } = parseCliArgs(
    {
      args: argv,
      options: {
        retry: { type: 'boolean', default: false },
        'rolled-back': { type: 'boolean', default: false },
        applied: { type: 'boolean', default: false },
      },
    },
    USAGE,
  );
  const chosen = (['retry', 'rolled-back', 'applied'] as const).filter((action) => values[action]);
  if (chosen.length > 1) throw new KitError('Choose one of --retry, --rolled-back, --applied', { fix: USAGE });
  const action: RecoveryAction | undefined = chosen[0];
  const result = await recover(requireDatabaseUrl(), action, settings);
  for (const line of result.lines) console.log(line);
  if (result.needsAttention) process.exitCode = 1;
});
