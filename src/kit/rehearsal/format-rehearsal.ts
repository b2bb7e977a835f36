/**
 * A rehearsal for a person (Markdown: the terminal and the GitHub job summary) and for a machine
 * (`--json`, without the writer's per-write samples). A statement that touched no table (a SET,
 * a RESET) is counted, not listed. A backfill a guard waited for is listed after the file it
 * stopped, before that file's second run.
 */
import type { FindingKind } from './judge-statement.ts';
import type { ObservedTable } from './observe-statements.ts';
import type { BackfillBesideTheApp, Rehearsal, RehearsedStatement } from './rehearse-migrations.ts';

const n = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => `${value < 10 ? value.toFixed(1) : n(value)} ms`;

function describeTable(table: ObservedTable): string {
  const parts = [
    table.taken ?? (table.held ? `held ${table.held}` : 'no new lock'),
    ...(table.held && table.taken && table.held !== table.taken ? [`holding ${table.held}`] : []),
    ...(table.rewritten ? ['rewritten'] : []),
    ...(table.seqScans ? [`scanned${table.seqScans > 1 ? ` ×${table.seqScans}` : ''}`] : []),
    ...(table.rowsWritten ? [`${n(table.rowsWritten)} rows written`] : []),
  ];
  return `${table.table}: ${parts.join(', ')}`;
}

/** A failure is ✗; what is only reported has a mark of its own. */
const SYMBOL: Partial<Record<FindingKind, string>> = { stopped: '⏸', 'lock-queue': 'ℹ' };

const listed = (statement: RehearsedStatement) => statement.observed.tables.length > 0 || statement.findings.length > 0;

function describeBackfill(backfill: BackfillBesideTheApp): string[] {
  const heading = `### ⏵ backfill ${backfill.job}, which the guard of ${backfill.before} waits for`;
  if (backfill.error)
    return ['', heading, '', `It could not run, so the deploy would stop here too: ${backfill.error}`];
  const left = backfill.stillPending
    ? ` ${n(backfill.stillPending)} rows still matched its pending condition when it finished: the app wrote them meanwhile (give the column a default for new rows first), or the job's set doesn't clear them.`
    : '';
  return [
    '',
    heading,
    '',
    `${n(backfill.rows)} rows in ${(backfill.ms / 1000).toFixed(1)} s, run as \`npm run backfill -- ${backfill.job}\` runs it; writes meanwhile: longest ${ms(backfill.writes.longestMs)}, p99 ${ms(backfill.writes.p99Ms)}.${left} Then ${backfill.before} ran again.`,
  ];
}

export function formatRehearsal(rehearsal: Rehearsal): string {
  const generated = rehearsal.tables.filter((table) => table.generated);
  const lines = [
    `## Migration rehearsal: ${rehearsal.migrations.length} migration(s) on ${rehearsal.where}`,
    '',
    rehearsal.tables.length === 0
      ? 'The migrations touch no table that existed before them.'
      : `Tables: ${rehearsal.tables.map((table) => `${table.table} ${n(table.rows)} rows`).join(', ')}${
          generated.length
            ? ` (${generated.map((table) => table.table).join(', ')}: generated from the column types${rehearsal.rowsSource ? `, as many as ${rehearsal.rowsSource} count` : ''})`
            : ''
        }.`,
    `Beside the migrations the app wrote to each (${n(rehearsal.writer.writes)} writes, ${n(rehearsal.writer.failures.length)} failed; longest ${ms(rehearsal.writer.maxMs)}, p99 ${ms(rehearsal.writer.p99Ms)})${
      rehearsal.readerHoldMs > 0
        ? ` and a reader kept a transaction open ${n(rehearsal.readerHoldMs)} ms at a time`
        : ''
    }.`,
  ];
  const backfillsLeft = [...rehearsal.backfills];
  for (const migration of rehearsal.migrations) {
    const findings = migration.statements.flatMap((statement) =>
      statement.findings.map((finding) => ({ line: statement.line, finding })),
    );
    const failed = findings.some(({ finding }) => finding.problem);
    const shown = migration.statements.filter(listed);
    lines.push(
      '',
      `### ${failed ? '✗' : '✓'} ${migration.name} (${migration.native})`,
      '',
      '| line | statement | what PostgreSQL did | time | writes meanwhile: longest / p99 |',
      '| --- | --- | --- | --- | --- |',
      ...shown.map(
        (statement) =>
          `| ${statement.line} | \`${statement.sql.replace(/\|/g, '\\|')}\` | ${
            statement.observed.tables.map(describeTable).join('; ') || '—'
          }${statement.observed.inTransaction ? '' : ' (sampled)'} | ${ms(statement.observed.ms)} | ${ms(
            statement.writes.longestMs,
          )} / ${ms(statement.writes.p99Ms)} |`,
      ),
    );
    const quiet = migration.statements.length - shown.length;
    if (quiet > 0) lines.push('', `${quiet} statement(s) that touched no table are not listed.`);
    if (findings.length > 0) {
      lines.push(
        '',
        ...findings.map(
          ({ line, finding }) =>
            `- **${SYMBOL[finding.kind] ?? '✗'} ${finding.kind}, line ${line}:** ${finding.message}`,
        ),
      );
    }
    const backfill = backfillsLeft.findIndex((candidate) => candidate.before === migration.name);
    if (backfill >= 0) lines.push(...describeBackfill(backfillsLeft.splice(backfill, 1)[0]!));
  }
  if (rehearsal.notRehearsed.length > 0) {
    lines.push('', `Not rehearsed (after the one that stopped): ${rehearsal.notRehearsed.join(', ')}.`);
  }
  lines.push(
    '',
    `${rehearsal.problems === 0 ? '✓ no problem' : `✗ ${rehearsal.problems} problem(s)`}. Prepared in ${n(
      rehearsal.seconds.prepare,
    )} s, rehearsed in ${n(rehearsal.seconds.migrations)} s.${
      rehearsal.problems > 0
        ? ' `npm run migrate:lint -- --fix` rewrites a generated migration into its safe sequence; docs/migrations/rehearsal.md says how to read each finding.'
        : ''
    }`,
  );
  return lines.join('\n');
}

/** The rehearsal as JSON, the writer's per-write samples left out. */
export function rehearsalJson(rehearsal: Rehearsal): string {
  const { samples: _samples, ...writer } = rehearsal.writer;
  return JSON.stringify({ ...rehearsal, writer }, null, 2);
}
