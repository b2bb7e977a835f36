/**
 * `npm run migrate:plan [-- --max-rows N] [--probe-timeout-s N] [--sample-above N] [--migrations <dir>]`
 * What the migrations pending on the database (DATABASE_URL, or the embedded one) will lock, on
 * which tables, how big they are, and whether writes would wait on a scan, rewrite or index build.
 * Read-only. Prints Markdown, appends it to $GITHUB_STEP_SUMMARY when that is set, and exits 1
 * when a write-blocking statement's work meets a table over --max-rows (default 100,000), or when
 * the data probes find rows that would make a statement fail (each probe bounded by
 * --probe-timeout-s, default 10; tables over --sample-above rows, default 10,000,000, sampled).
 */
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { requireDatabaseUrl } from '#kit/db/database-url.ts';
import { formatPlan } from '#kit/migration-plan/format-plan.ts';
import { DEFAULT_PROBE_SETTINGS, planPendingMigrations } from '#kit/migration-plan/plan-migrations.ts';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { parseCount } from '#kit/parse-count.ts';
import { migrationsDir } from '#kit/project-paths.ts';
import { runCli } from '#kit/run-cli.ts';

const USAGE =
  'Usage: npm run migrate:plan -- [--max-rows N] [--probe-timeout-s N] [--sample-above N] [--migrations <dir>]';

runCli(async (argv) => {
  const { values } = parseCliArgs(
    {
      args: argv,
      options: {
        'max-rows': { type: 'string', default: '100000' },
        'probe-timeout-s': { type: 'string', default: String(DEFAULT_PROBE_SETTINGS.timeoutMs / 1000) },
        'sample-above': { type: 'string', default: String(DEFAULT_PROBE_SETTINGS.sampleAbove) },
        migrations: { type: 'string', default: migrationsDir },
      },
    },
    USAGE,
  );
  const url = requireDatabaseUrl();
  const plan = await planPendingMigrations({
    url,
    migrationsDir: resolve(values.migrations),
    maxRows: parseCount('--max-rows', values['max-rows'], 0),
    probes: {
      timeoutMs: parseCount('--probe-timeout-s', values['probe-timeout-s'], 1) * 1000,
      sampleAbove: parseCount('--sample-above', values['sample-above'], 1),
    },
  });
  const { host, pathname } = new URL(url); // never the password
  const markdown = formatPlan(plan, `${host}${pathname}`);
  console.log(markdown);
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
  if (plan.problems > 0) process.exitCode = 1;
});
