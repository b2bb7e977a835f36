/**
 * The migration plan as Markdown: readable in a terminal, and rendered as-is in a GitHub job
 * summary ($GITHUB_STEP_SUMMARY), where CI and the deploy workflow put it.
 */
import type { ProbeResult } from './data-probes.ts';
import type { MigrationPlan, PlannedEffect } from './plan-migrations.ts';

const count = (n: number) =>
  Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'unknown (never analyzed, large)';

function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 && unit > 0 ? 1 : 0)} ${units[unit]}`;
}

const WORK = {
  catalog: 'catalog only (ms)',
  scan: 'scans the table',
  rewrite: 'rewrites the table',
  build: 'builds an index (scans the table)',
  rows: 'writes every matching row',
  'new table': 'new table',
} as const;

function blocks(effect: PlannedEffect): string {
  if (effect.blocksNobody) return 'nothing';
  if (effect.work === 'rows') return 'writes to those rows';
  if (effect.lock === 'ACCESS EXCLUSIVE') return 'reads and writes';
  if (effect.lock === 'SHARE UPDATE EXCLUSIVE' || effect.lock === 'ROW EXCLUSIVE') return 'nothing the app does';
  return 'writes';
}

const FIXES: Array<[RegExp, string]> = [
  [
    /^CREATE (UNIQUE )?INDEX$/,
    'build it with CREATE INDEX CONCURRENTLY, alone in its migration (docs/migrations/index-without-blocking-writes.md)',
  ],
  [/^FOREIGN KEY/, 'add it NOT VALID, then VALIDATE CONSTRAINT in the next migration'],
  [/^CHECK/, 'add it NOT VALID, then VALIDATE CONSTRAINT in the next migration'],
  [/^SET NOT NULL/, 'validate a CHECK (col IS NOT NULL) first (docs/migrations/phased-not-null-column.md)'],
  [/^(UPDATE|DELETE)/, 'move it to a backfill job: npm run backfill (docs/backfills/running-a-backfill.md)'],
  [/^(UNIQUE|PRIMARY KEY)/, 'build a unique index CONCURRENTLY first, then ADD CONSTRAINT … USING INDEX'],
  [
    /^ADD COLUMN/,
    'add it nullable without a volatile default, then backfill (docs/migrations/phased-not-null-column.md)',
  ],
];

const fixFor = (what: string) =>
  FIXES.find(([pattern]) => pattern.test(what))?.[1] ?? 'see docs/migrations/migration-linter.md';

export function formatPlan(plan: MigrationPlan, database: string): string {
  const lines = [`## Migration plan: ${plan.pending.length} pending on ${database}`, ''];
  if (plan.pending.length === 0) return [...lines, 'Nothing to apply.', ''].join('\n');
  for (const migration of plan.pending) {
    lines.push(`### ${migration.name}`, '', `Native engine: ${migration.native}.`, '');
    const rows = migration.statements.flatMap((statement) =>
      statement.effects.map(
        (effect) =>
          `| ${statement.line} | ${effect.problem ? '**✗** ' : ''}${effect.what} | \`${effect.table}\` | ${effect.size ? count(effect.size.rows) : 'new'} | ${effect.size ? bytes(effect.size.bytes) : ''} | ${effect.lock} | ${blocks(effect)} | ${WORK[effect.work]} |`,
      ),
    );
    if (rows.length > 0) {
      lines.push(
        '| line | statement | table | rows | size | lock | blocks | work |',
        '| --- | --- | --- | --- | --- | --- | --- | --- |',
        ...rows,
        '',
      );
    } else {
      lines.push('No table locks (settings, types, functions, comments).', '');
    }
    if (migration.parseError) {
      lines.push(
        `**✗ line ${migration.parseError.line} does not parse in PostgreSQL: ${migration.parseError.message}**`,
        '',
      );
    }
    for (const statement of migration.statements) {
      for (const effect of statement.effects.filter((e) => e.problem)) {
        lines.push(
          `**✗ line ${statement.line}:** ${effect.what} holds ${effect.lock} on \`${effect.table}\` (${count(effect.size?.rows ?? 0)} rows, over ${count(plan.maxRows)}) while it ${WORK[effect.work]}: ${blocks(effect)} wait until it ends. Fix: ${fixFor(effect.what)}.`,
          '',
        );
      }
    }
    lines.push(...probeLines(migration.probes));
    // Rule names per line keep this short; `npm run migrate:lint` explains each.
    const byLine = new Map<number, string[]>();
    for (const finding of migration.findings)
      byLine.set(finding.line, [...(byLine.get(finding.line) ?? []), finding.rule]);
    for (const [line, rules] of [...byLine].sort(([a], [b]) => a - b))
      lines.push(`- linter, line ${line}: ${rules.map((rule) => `\`${rule}\``).join(', ')}`);
    if (byLine.size > 0) lines.push('');
  }
  lines.push(
    plan.problems === 0
      ? `No statement blocks writes on a table over ${count(plan.maxRows)} rows while it scans, rewrites or builds, and no data makes one fail.`
      : `**${plan.problems} problem(s).** Fix them, or raise --max-rows if the tables are quiet (data that makes a statement fail must be fixed first).`,
    '',
  );
  return lines.join('\n');
}

/** The data probes: one line each, and for rows that make a statement fail, the query that lists them. */
function probeLines(results: ProbeResult[]): string[] {
  if (results.length === 0) return [];
  const lines = results.map(({ probe, rows, sampledPercent, skipped }) => {
    const sample = sampledPercent === undefined ? '' : ` in a ${sampledPercent.toFixed(2)}% sample`;
    if (skipped !== undefined) return `- data, line ${probe.line}: ${probe.check}: not checked (${skipped})`;
    if (!rows) return `- data, line ${probe.line}: ${probe.check}: none${sample}`;
    if (!probe.blocking) return `- data, line ${probe.line}: ${probe.check}: ${count(rows)}${sample}`;
    return `- **✗ data, line ${probe.line}:** ${probe.check}: ${count(rows)}${sample}: the statement fails on them. List them: \`${probe.list}\``;
  });
  return [...lines, ''];
}
