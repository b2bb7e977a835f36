/**
 * `npm run migrate:plan [-- --max-rows N] [--probe-timeout-s N] [--sample-above N] [--migrations <dir>]`
 * What the migrations pending on the database (DATABASE_URL, or the embedded one) will lock, on
 * which tables, how big they are, and whether writes would wait on a scan, rewrite or index build.
 * Read-only. Prints Markdown, appends it to $GITHUB_STEP_SUMMARY when that is set, and exits 1
 * when a write-blocking statement's work meets a table over --max-rows, or when the data probes
 * find rows that would make a statement fail (each probe bounded by --probe-timeout-s; tables over
 * --sample-above rows sampled). The defaults are kit.config.ts's policy (planMaxRows 100,000,
 * probeTimeoutSeconds 10, probeSampleAbove 10,000,000 unless it says otherwise).
 */
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { requireDatabaseUrl } from '#kit/db/database-url.ts';
import { formatPlan } from '#kit/migration-plan/format-plan.ts';
import { resolvePolicy } from '#kit/kit-config.ts';
import { planPendingMigrations } from '#kit/migration-plan/plan-migrations.ts';
import kitConfig from '../kit.config.ts';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { parseCount } from '#kit/parse-count.ts';
import { runCli } from '#kit/run-cli.ts';
import { environment } from '#kit/environment.ts';

const USAGE =
  'Usage: npm run migrate:plan -- [--max-rows N] [--probe-timeout-s N] [--sample-above N] [--migrations <dir>]';

runCli(async (argv, settings) => {
  const policy = resolvePolicy(kitConfig);
  const { values } = parseCliArgs(
    {
      args: argv,
      options: {
        'max-rows': { type: 'string', default: String(policy.planMaxRows) },
        'probe-timeout-s': { type: 'string', default: String(policy.probeTimeoutSeconds) },
        'sample-above': { type: 'string', default: String(policy.probeSampleAbove) },
        migrations: { type: 'string', default: settings.migrations },
      },
    },
    USAGE,
  );
  const url = requireDatabaseUrl();
  const plan = await planPendingMigrations({
    url,
    migrationsDir: resolve(values.migrations),
    root: settings.root,
    maxRows: parseCount('--max-rows', values['max-rows'], 0),
    probes: {
      timeoutMs: parseCount('--probe-timeout-s', values['probe-timeout-s'], 1) * 1000,
      sampleAbove: parseCount('--sample-above', values['sample-above'], 1),
    },
  });
  const { host, pathname } = new URL(url); // never the password
  const markdown = formatPlan(plan, `${host}${pathname}`);
  console.log(markdown);
  const summary = environment().GITHUB_STEP_SUMMARY;
  if (summary) appendFileSync(summary, `${markdown}\n`);
  if (plan.problems > 0) process.exitCode = 1;
});
