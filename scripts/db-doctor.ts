/**
 * `npm run db:doctor`: read-only, for each URL the kit is configured with (DATABASE_URL or the
 * embedded server, SHADOW_DATABASE_URL, TEST_DATABASE_URL): which server and version, direct or
 * pooled, the TLS the kit's clients will use, which role and what it may do, the migration
 * history and whether Migrate's lock is held by a leftover session. Exit 1 when it finds a
 * problem a kit command would trip on; each is one line naming the fix.
 * (docs/deploy/managed-postgresql.md walks through what each command needs.)
 */
import { currentDatabaseUrl, NO_DATABASE_HINT } from '#kit/db/database-url.ts';
import { examineUrl, type UrlExamination } from '#kit/db/doctor.ts';
import { KitError } from '#kit/kit-error.ts';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { runCli } from '#kit/run-cli.ts';
import { environment } from '#kit/environment.ts';

const USAGE = 'Usage: npm run db:doctor';

function print(examination: UrlExamination): void {
  console.log(`${examination.name}  ${examination.url}`);
  const width = Math.max(...examination.facts.map(([label]) => label.length));
  for (const [label, text] of examination.facts) console.log(`  ${label.padEnd(width)}  ${text}`);
  for (const finding of examination.findings) console.log(`  ${finding.level}: ${finding.text}`);
}

runCli(async (argv, settings) => {
  const { values } = parseCliArgs({ args: argv, options: { help: { type: 'boolean' } } }, USAGE);
  if (values.help) return console.log(USAGE);
  const env = environment();
  const main = currentDatabaseUrl();
  if (!main) throw new KitError(NO_DATABASE_HINT);
  const examinations = [
    await examineUrl(env.DATABASE_URL ? 'DATABASE_URL' : 'embedded server', main, 'migrations', settings.migrations),
  ];
  const shadow = env.SHADOW_DATABASE_URL;
  if (shadow) examinations.push(await examineUrl('SHADOW_DATABASE_URL', shadow, 'shadow', settings.migrations));
  const tests = env.TEST_DATABASE_URL;
  if (tests) examinations.push(await examineUrl('TEST_DATABASE_URL', tests, 'tests', settings.migrations));
  for (const examination of examinations) print(examination);
  const problems = examinations.flatMap((examination) => examination.findings).filter((f) => f.level === 'problem');
  if (problems.length > 0) throw new KitError(`${problems.length} problem(s) above, each with its fix`);
  console.log('no problems found');
});
