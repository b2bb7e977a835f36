/**
 * `npm run migrate:check-previous-client [-- --base <ref>]`
 * Whether the release running now survives the migrated schema during a rolling deploy: generates
 * the Prisma Client of the base's schema.prisma (main by default) and reads every model through it
 * from DATABASE_URL, after the branch's migrations were applied there. Exits 1 when a model fails,
 * naming it and the client's error. CI runs it on pull requests.
 */
import { requireDatabaseUrl } from '#kit/db/database-url.ts';
import { checkPreviousReleaseClient } from '#kit/migrations/previous-release-client.ts';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { runCli } from '#kit/run-cli.ts';

const USAGE = 'Usage: npm run migrate:check-previous-client -- [--base <git ref>]';

runCli(async (argv, settings) => {
  const { values } = parseCliArgs({ args: argv, options: { base: { type: 'string' } } }, USAGE);
  const report = await checkPreviousReleaseClient(requireDatabaseUrl(), values.base, settings);
  const failed = report.models.filter((check) => check.error !== undefined);
  console.log(
    `previous release's client (schema.prisma at ${report.base.slice(0, 12)}), every model read on this database:`,
  );
  for (const check of report.models)
    console.log(`  ${check.error === undefined ? '✓' : '✗'} ${check.model}: ${check.error ?? `${check.rows} row(s)`}`);
  if (failed.length > 0) {
    console.log(
      `${failed.length} model(s) fail for the release still running during the rollout: keep what it reads until a release that no longer does (docs/migrations/drop-last.md), or rename by expand and contract.`,
    );
    process.exitCode = 1;
  }
});
