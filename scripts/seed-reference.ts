/**
 * `npm run seed:reference [-- --update-checksums]`, also what `npx prisma db seed` runs.
 * With --update-checksums it first records the checksums of reviewed edits, then seeds.
 * Production-safe: the deploy workflow runs it right after `prisma migrate deploy`.
 */
import { redactUrl } from '#kit/db/connection-url.ts';
import { requireDatabaseUrl } from '#kit/db/database-url.ts';
import { runCli } from '#kit/run-cli.ts';
import { CliError } from '#kit/cli-error.ts';
import { seedReferenceData, updateChecksums } from '#kit/seeding/reference-seed.ts';
import { formatSeedResults } from '#kit/seeding/format-results.ts';
import kitConfig from '../kit.config.ts';

runCli(async (args) => {
  const unknown = args.filter((arg) => arg !== '--update-checksums');
  if (unknown.length > 0)
    throw new CliError(`Unknown argument ${unknown[0]}. Usage: npm run seed:reference [-- --update-checksums]`);
  // After a reviewed edit: record the new checksums, then load the data as the deploy will.
  if (args.includes('--update-checksums'))
    console.log(`reference manifest updated (version ${updateChecksums(kitConfig.referenceTables)})`);
  const url = requireDatabaseUrl();
  const started = performance.now();
  const results = await seedReferenceData(url, { tables: kitConfig.referenceTables });
  console.log(`reference seed → ${redactUrl(url)} (${Math.round(performance.now() - started)} ms)`);
  console.log(formatSeedResults(results));
});
