/**
 * A backfill job: which rows of which table still need a change, and the change. Jobs are data,
 * one small file each in src/backfills/; the runner (run-backfill.ts) does batching, throttling,
 * checkpointing, locking and progress for all of them.
 */
export interface BackfillJob {
  /** Name used on the command line and as the checkpoint key: lowercase, digits and dashes. */
  name: string;
  description: string;
  table: string;
  /** An integer primary-key column; batches are keyset ranges over it (never OFFSET). */
  key: string;
  /**
   * SQL condition true for rows that still need the change. It makes a batch idempotent: applied
   * twice, the second time it matches nothing. E.g. `timezone IS NULL`.
   */
  pending: string;
  /** The SET clause applied to pending rows of a batch. E.g. `timezone = 'UTC'`. */
  set: string;
}
