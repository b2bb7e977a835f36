/**
 * `npm run migrate:lint [-- --all] [--base <ref>] [--no-database] [--fix [--rename <t>.<old>:<t>.<new>]]`
 * Lints the migrations this branch adds (all of them with --all): squawk's SQL rules and the
 * kit's Prisma rules, then schema drift and edited-after-applied checks against the database.
 * Exits 1 while a finding stands. Silence one only with `-- lint-ignore <rule>: <reason>`.
 * --fix first rewrites generated migrations into their safe sequence where that is mechanical
 * (src/kit/migration-fix/), then lints the result; --rename (with --fix) turns a drop and add that
 * a person knows is a rename into expand and contract.
 */
import { relative } from 'node:path';
import { KitError } from '#kit/kit-error.ts';
import { requireDatabaseUrl } from '#kit/db/database-url.ts';
import { applyFixes } from '#kit/migration-fix/apply-fixes.ts';
import { lintMigrations, type LintReport } from '#kit/migration-lint/lint-migrations.ts';
import { fixGeneratedMigration } from '#kit/migration-fix/fix-generated-migration.ts';
import { parseRename } from '#kit/migration-fix/rename-by-expand-contract.ts';
import { renamesInSchema } from '#kit/migration-fix/renames-in-schema.ts';
import { resolvePolicy } from '#kit/kit-config.ts';
import kitConfig from '../kit.config.ts';
import { isCommit } from '#kit/git.ts';
import { migrationSql } from '#kit/migrations/migration-folders.ts';
import { selectMigrations } from '#kit/migration-lint/select-migrations.ts';
import { ruleInfo } from '#kit/migration-lint/rules/index.ts';
import { describePlan } from '#kit/sql/native-script-plan.ts';
import { loadSqlParsers, type SqlParsers } from '#kit/sql/parse-statements.ts';
import { parseCliArgs } from '#kit/parse-cli-args.ts';
import { runCli } from '#kit/run-cli.ts';
import type { KitSettings } from '#kit/settings.ts';

const USAGE =
  'Usage: npm run migrate:lint -- [--all] [--base <git ref>] [--no-database] [--fix [--rename <table>.<old>:<table>.<new>]]';

runCli(async (argv, settings) => {
  const { values } = parseCliArgs(
    {
      args: argv,
      options: {
        all: { type: 'boolean', default: false },
        base: { type: 'string' },
        'no-database': { type: 'boolean', default: false },
        fix: { type: 'boolean', default: false },
        rename: { type: 'string', multiple: true, default: [] },
      },
    },
    USAGE,
  );
  const renames = values.rename.map(parseRename);
  if (renames.length > 0 && !values.fix) throw new KitError('--rename works with --fix', { fix: USAGE });
  const databaseUrl = values['no-database'] ? undefined : requireDatabaseUrl();
  if (values.fix) {
    // Only migrations not yet on main: rewriting one that shipped would break every database it reached.
    const { selected, comparedWith } = selectMigrations({ all: false, base: values.base }, settings);
    // A field whose @map changed on this branch is a rename schema.prisma proves: no --rename needed.
    const proven = isCommit(comparedWith, settings.root) ? renamesInSchema(comparedWith, settings) : [];
    for (const report of await applyFixes(settings.migrations, selected, settings.backfills, {
      named: renames,
      proven,
    })) {
      console.log(`--fix ${report.migration}`);
      const written = [
        ...report.added.map((folder) => `added ${folder}`),
        ...report.jobs.map((file) => `created ${relative(settings.root, file)}`),
      ];
      for (const line of [...report.changes, ...written]) console.log(`  ${line}`);
      for (const reason of report.refused) console.log(`  left as it is: ${reason}`);
    }
    console.log('');
  }
  const { lintRulesOff } = resolvePolicy(kitConfig);
  const report = await lintMigrations({
    all: values.all,
    base: values.base,
    databaseUrl,
    rulesOff: lintRulesOff,
    settings,
  });

  for (const { file, plan } of report.plans) console.log(`${file}\n  native engine: ${describePlan(plan)}`);
  if (report.plans.length > 0) console.log('');
  for (const finding of report.findings) {
    const info = ruleInfo(finding.rule);
    console.log(
      `${finding.file}:${finding.line}  ${finding.rule}\n  ${finding.message}\n  lock: ${info.lock}\n  fix:  ${info.fix}\n`,
    );
  }
  const scope = values.all ? 'all' : `not on ${report.comparedWith}`;
  const checks = databaseUrl ? 'SQL rules, drift, applied checksums' : 'SQL rules only (--no-database)';
  const off = [...report.turnedOff].map(([rule, count]) => `${rule} ×${count} (${lintRulesOff[rule]})`);
  const summary = `${report.linted.length} migration(s) linted (${scope}; ${checks}): ${report.findings.length} finding(s)${off.length > 0 ? `; off in kit.config.ts: ${off.join(', ')}` : ''}`;
  if (report.findings.length > 0) {
    throw new KitError(
      `${summary}.${fixHint(await loadSqlParsers(), report, values.base, settings)} Fix them, or silence one with \`-- lint-ignore <rule>: <reason>\` above its statement`,
    );
  }
  console.log(summary);
});

/**
 * Names the flagged migrations `--fix` would rewrite into their safe sequence: only those not on
 * main, as --fix itself (rewriting a migration that shipped would break every database it reached).
 */
function fixHint(parsers: SqlParsers, report: LintReport, base: string | undefined, settings: KitSettings): string {
  const flagged = (name: string) => report.findings.some((finding) => finding.file.includes(`/${name}/`));
  const { selected } = selectMigrations({ all: false, base }, settings);
  const fixable = selected.filter(
    (name) =>
      flagged(name) && fixGeneratedMigration(parsers, name, migrationSql(name, settings.migrations)).kind === 'fixed',
  );
  if (fixable.length === 0) return '';
  return ` \`npm run migrate:lint -- --fix\` rewrites ${fixable.join(', ')} into the safe sequence.`;
}
