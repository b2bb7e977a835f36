/**
 * `npm run migrate:lint`: squawk plus the kit's Prisma rules over the migrations this branch
 * adds (or all of them), plus drift and edited-after-applied checks against a database.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { editedAfterApplied, schemaDrift } from './database-checks.ts';
import type { Finding } from './finding.ts';
import { noHistoryFacts } from './history-facts.ts';
import { lintMigrationFiles } from './lint-migration-file.ts';
import { runSquawk } from './run-squawk.ts';
import type { ScriptPlan } from '../sql/native-script-plan.ts';
import { loadSqlParsers } from '../sql/parse-statements.ts';
import type { KitSettings } from '../settings.ts';
import { selectMigrations } from './select-migrations.ts';

export interface LintOptions {
  all: boolean;
  base?: string;
  /** The database for the drift and checksum checks; undefined skips them. */
  databaseUrl?: string;
  /** Rules kit.config.ts's policy turns off (rule → why): their findings are left out, and counted. */
  rulesOff?: Record<string, string>;
  settings: Pick<KitSettings, 'root' | 'migrations' | 'schema'>;
}

export interface LintReport {
  linted: string[];
  /** How Prisma's native engine will run each linted file (src/kit/sql/native-script-plan.ts). */
  plans: Array<{ file: string; plan: ScriptPlan }>;
  comparedWith: string;
  findings: Finding[];
  /** Findings of rules the policy turns off, by rule. */
  turnedOff: Map<string, number>;
}

export async function lintMigrations(options: LintOptions): Promise<LintReport> {
  // The drift check is a Prisma command in a child process (seconds): started first, it runs on
  // the other core while the SQL rules run here.
  const drift = options.databaseUrl ? schemaDrift(options.databaseUrl, options.settings) : Promise.resolve([]);
  // Awaited below; this only keeps its failure from being reported twice if the rules throw first.
  drift.catch(() => {});
  const parsers = await loadSqlParsers();
  const { root, migrations } = options.settings;
  const selection = selectMigrations(options, options.settings);
  const fileOf = (folder: string) => relative(root, join(migrations, folder, 'migration.sql'));
  const squawk = runSquawk(selection.selected.map(fileOf));

  // Oldest first over the whole history, so what earlier migrations established is known.
  const files = selection.all.map((folder) => {
    const file = fileOf(folder);
    return { file, sql: readFileSync(join(root, file), 'utf8'), lint: selection.selected.includes(folder) };
  });
  const plans = files.filter(({ lint }) => lint).map(({ file, sql }) => ({ file, plan: parsers.planScript(sql) }));
  const findings: Finding[] = [...selection.edited, ...(await lintMigrationFiles(files, squawk, noHistoryFacts()))];
  if (options.databaseUrl)
    findings.push(...(await editedAfterApplied(options.databaseUrl, selection.all, options.settings)));
  findings.push(...(await drift));
  const unique = new Map(findings.map((finding) => [`${finding.file}:${finding.line}:${finding.rule}`, finding]));
  const turnedOff = new Map<string, number>();
  const kept = [...unique.values()].filter((finding) => {
    if (!(finding.rule in (options.rulesOff ?? {}))) return true;
    turnedOff.set(finding.rule, (turnedOff.get(finding.rule) ?? 0) + 1);
    return false;
  });
  return { linted: selection.selected, plans, comparedWith: selection.comparedWith, findings: kept, turnedOff };
}
