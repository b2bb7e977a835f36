/**
 * The migration linter's verdicts: every blocking operation in the corpus is flagged with the
 * right rule, safe variants are not, silencing needs a reason, and the linter playbook's table
 * agrees with the corpus. Pure: no database, squawk run once over the whole corpus.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectFacts, copyFacts, noHistoryFacts } from '#kit/migration-lint/history-facts.ts';
import { lintMigrationFile } from '#kit/migration-lint/lint-migration-file.ts';
import { RULES, ruleNamed } from '#kit/migration-lint/rules/index.ts';
import { runSquawk, type SquawkFinding } from '#kit/migration-lint/run-squawk.ts';
import { migrationFolders, migrationSql } from '#kit/migrations/migration-folders.ts';
import { projectRoot } from '#kit-test/support/checkout.ts';
import { loadSqlParsers } from '#kit/sql/parse-statements.ts';
import { demoMigrationsDir } from '../support/demo-project.ts';

const corpusDir = join(import.meta.dirname, 'corpus');
const corpus = readdirSync(corpusDir)
  .filter((name) => name.endsWith('.sql'))
  .sort();

// The corpus is written against the demo project's tables, and linted as its next migration: what
// its history established (column types, validated NOT NULL checks) is known, as in a real project.
const demoHistory = noHistoryFacts();
const corpusFile = (name: string) => relative(projectRoot, join(corpusDir, name));
// One squawk run over the whole corpus, as migrate:lint runs it over a branch's files.
let squawkFindings: SquawkFinding[] = [];

async function lintCorpusFile(name: string) {
  const file = corpusFile(name);
  const sql = readFileSync(join(projectRoot, file), 'utf8');
  const squawk = squawkFindings.filter((finding) => finding.file === file);
  return { sql, findings: await lintMigrationFile({ file, sql }, squawk, copyFacts(demoHistory)) };
}

const expected = (sql: string) => {
  const rules = /^-- expect: (.*)$/m.exec(sql)![1]!.trim();
  return rules === 'none'
    ? []
    : rules
        .split(',')
        .map((rule) => rule.trim())
        .sort();
};

describe('migration linter: test corpus', () => {
  beforeAll(async () => {
    const parsers = await loadSqlParsers();
    for (const name of migrationFolders(demoMigrationsDir))
      collectFacts(parsers.parseStatements(migrationSql(name, demoMigrationsDir)), demoHistory);
    squawkFindings = runSquawk(corpus.map(corpusFile));
  });

  it("every case names its source, and the linter playbook's table gives every case its verdict", () => {
    const playbook = readFileSync(join(projectRoot, 'docs', 'migrations', 'migration-linter.md'), 'utf8');
    const rows = new Map(
      [...playbook.matchAll(/^\| `([\w-]+)` \| ([^|]+) \| ([^|]+) \| ([^|]+) \|/gm)].map(([, name, ...cells]) => [
        name!,
        cells.map((cell) => cell!.trim()),
      ]),
    );
    for (const name of corpus) {
      const sql = readFileSync(join(corpusDir, name), 'utf8');
      expect(sql, name).toMatch(/^-- source: \S/m);
      const verdict = /^-- expect: (.*)$/m.exec(sql)![1]!.trim();
      const [tableVerdict, lock, fix] = rows.get(name.replace(/\.sql$/, '')) ?? [];
      expect(tableVerdict, name).toBe(verdict);
      // A flagged case shows its first rule's lock and fix, as the registry words them.
      const first = verdict === 'none' ? undefined : ruleNamed(verdict.split(',')[0]!.trim());
      if (first) expect([lock, fix], name).toEqual([first.lock, first.fix]);
    }
  });

  it("every rule in the registry is unique, described in the playbook, and a corpus case shows each of the kit's checks", () => {
    const playbook = readFileSync(join(projectRoot, 'docs', 'migrations', 'migration-linter.md'), 'utf8');
    const names = RULES.map((rule) => rule.name);
    expect(new Set(names).size).toBe(names.length);
    const shown = new Set(corpus.flatMap((name) => expected(readFileSync(join(corpusDir, name), 'utf8'))));
    for (const rule of RULES) {
      expect(rule.lock, rule.name).not.toBe('');
      expect(rule.fix, rule.name).not.toBe('');
      // History rules are found against git or a database (lint-command.test.ts); squawk's own
      // rules are squawk's to test, except where the kit exempts some of its findings.
      if (rule.kind === 'history' || (rule.kind === 'squawk' && !rule.exempt)) continue;
      expect(shown.has(rule.name), `${rule.name}: no corpus case expects it`).toBe(true);
      if (rule.kind === 'file') expect(playbook, rule.name).toContain(`\`${rule.name}\``);
    }
  });

  it.each(corpus)('%s', async (name) => {
    const { sql, findings } = await lintCorpusFile(name);
    expect([...new Set(findings.map((finding) => finding.rule))].sort()).toEqual(expected(sql));
    for (const finding of findings) {
      // Every finding names its line, and the catalog gives it a lock and a recipe.
      expect(finding.line).toBeGreaterThan(0);
      expect(ruleNamed(finding.rule), finding.rule).toBeDefined();
    }
  });

  it('points at the line the offending statement starts on', async () => {
    const { sql, findings } = await lintCorpusFile('concurrently-with-other-statements.sql');
    const line = sql.split('\n').findIndex((text) => text.startsWith('ALTER TABLE')) + 1;
    expect(findings.map((finding) => finding.line)).toEqual([line]);
  });
});
