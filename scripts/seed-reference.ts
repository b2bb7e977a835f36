/**
 * `npm run seed:reference [-- --update-checksums]`, also what `npx prisma db seed` runs.
 * With --update-checksums it seeds a reviewed edit, then records its checksums: only files that
 * parsed, validated and loaded get stamped.
 * Production-safe: the deploy workflow runs it right after `prisma migrate deploy`.
 */
import { redactUrl } from '#kit/db/connection-url.ts';
import { requireDatabaseUrl } from '#kit/db/database-url.ts';
import { runCli } from '#kit/run-cli.ts';
import { KitError } from '#kit/kit-error.ts';
import { seedReferenceData, seedReviewedEdit } from '#kit/seeding/reference-seed.ts';
import { formatSeedResults } from '#kit/seeding/format-results.ts';
import kitConfig from '../kit.config.ts';

runCli(async (args, settings) => {
  const unknown = args.filter((arg) => arg !== '--update-checksums');
  if (unknown.length > 0)
    throw new KitError(`Unknown argument ${unknown[0]}`, {
      fix: 'Usage: npm run seed:reference [-- --update-checksums]',
    });
  const url = requireDatabaseUrl();
  const started = performance.now();
  const options = { tables: kitConfig.referenceTables, dir: settings.reference };
  const { results, manifestVersion } = args.includes('--update-checksums')
    ? await seedReviewedEdit(url, options)
    : { results: await seedReferenceData(url, options), manifestVersion: undefined };
  console.log(`reference seed → ${redactUrl(url)} (${Math.round(performance.now() - started)} ms)`);
  console.log(formatSeedResults(results));
  if (manifestVersion !== undefined) console.log(`reference manifest updated (version ${manifestVersion})`);
});
