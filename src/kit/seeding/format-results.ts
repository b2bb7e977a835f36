import type { TableResult } from './reference-seed.ts';

/** One aligned line per table: created / updated / unchanged / removed. */
export function formatSeedResults(results: TableResult[]): string {
  const width = Math.max(...results.map((r) => r.table.length));
  return results
    .map(
      (r) =>
        `  ${r.table.padEnd(width)}  created ${r.created}, updated ${r.updated}, unchanged ${r.unchanged}, removed ${r.removed}${r.cascaded ? ` (+${r.cascaded} rows of other tables through foreign keys)` : ''}`,
    )
    .join('\n');
}
