/**
 * The backfill job a `not-null` scaffold needs before its guard lets the tightening through:
 * a file in src/backfills/ with the one thing only a person can write (the value) left as a TODO
 * that still type-checks, so `npm test` stays green until it is filled in. Until then its `set`
 * throws UnwrittenBackfillError: run early, the job refuses instead of rewriting every row to
 * itself and reporting success.
 */
import { jobExportName } from '../backfill/list-backfill-job.ts';

export interface BackfillStubArgs {
  job: string;
  table: string;
  column: string;
  migration: string;
}

export function backfillJobStub({ job, table, column, migration }: BackfillStubArgs): string {
  return `import { type SqlBackfillJob, unwrittenBackfill } from '#kit/backfill/job.ts';

/**
 * Fills ${table}.${column} for rows written before it had a value, so that
 * \`${migration}_check_not_valid\` can promise NOT NULL (docs/migrations/phased-not-null-column.md).
 * Run it with \`npm run backfill -- ${job}\` after the column's default ships, before that migration.
 */
export const ${jobExportName(job)}: SqlBackfillJob = {
  name: '${job}',
  description: 'Fill ${table}.${column} for rows from before it was required',
  table: '${table}',
  key: 'id', // the primary key's column(s): ['tenant_id', 'id'] for a composite key
  pending: '"${column}" IS NULL',
  // TODO: the value each existing row gets, an SQL expression over the row: replace this getter
  // with e.g. set: \`"${column}" = 'unknown'\`. When it needs the app's code instead, make this a
  // transform job (src/backfills/post-slug.ts).
  get set(): string {
    return unwrittenBackfill('${job}');
  },
};
`;
}
