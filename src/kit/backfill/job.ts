/**
 * A backfill job: which rows of which table still need a change, and the change. Jobs are data,
 * one small file each in src/backfills/; the runner does batching, throttling, checkpointing,
 * locking and progress for all of them, in one process or spread over many workers.
 *
 * The change is either SQL (`set`) or TypeScript (`transform`): use SQL when the new value is an
 * expression of the row, and a transform when it needs the app's own code.
 */
import { BackfillError } from './backfill-error.ts';

interface JobBase {
  /** Name used on the command line and as the checkpoint key: lowercase, digits and dashes. */
  name: string;
  description: string;
  table: string;
  /**
   * The primary key, or any unique, non-null, orderable column tuple with a btree index: one
   * column (`'id'`) or several (`['tenant_id', 'id']`), of any orderable type (integers, text,
   * uuid, timestamps). Batches are keyset ranges over it (never OFFSET).
   */
  key: string | readonly string[];
  /**
   * SQL condition true for rows that still need the change. It makes a batch idempotent: applied
   * twice, the second time it matches nothing. E.g. `timezone IS NULL`.
   */
  pending: string;
}

export interface SqlBackfillJob extends JobBase {
  /** The SET clause applied to pending rows of a batch. E.g. `timezone = 'UTC'`. */
  set: string;
}

/**
 * A job whose new values are computed in TypeScript. `Row` is what `transform` reads (field name →
 * column in `read`, so a Prisma model type such as `Pick<Post, 'id' | 'title'>` fits) and `Change`
 * what it writes (field name → column in `write`).
 */
export interface TransformBackfillJob<Row = Record<string, unknown>, Change = Record<string, unknown>> extends JobBase {
  read: { readonly [Field in keyof Row]: string };
  write: { readonly [Field in keyof Change]: string };
  /**
   * Given a batch of pending rows (locked until the batch commits), the new values for each, in
   * the same order. `null` leaves a row as it is: it stays pending and is offered again next run.
   * Must be deterministic and free of side effects: a batch that fails is rolled back and retried.
   */
  transform(rows: Row[]): Array<Change | null> | Promise<Array<Change | null>>;
}

// biome-ignore lint/suspicious/noExplicitAny: a list of jobs holds transforms of different row types, and a function parameter can't widen to `unknown` (the transform of a Post row does not accept any row)
export type BackfillJob = SqlBackfillJob | TransformBackfillJob<any, any>;

export const isTransformJob = (job: BackfillJob): job is Extract<BackfillJob, { transform: unknown }> =>
  'transform' in job;

/** Identity function that lets TypeScript infer and check a transform job's row and change types. */
export function defineTransformJob<Row, Change>(
  job: TransformBackfillJob<Row, Change>,
): TransformBackfillJob<Row, Change> {
  return job;
}

/**
 * What a scaffolded job's change is until a person writes it: a stub reads `set` through a getter
 * that throws this, so the runner refuses to start instead of rewriting every row for nothing.
 */
export class UnwrittenBackfillError extends BackfillError {
  constructor(readonly job: string) {
    super(`Backfill "${job}" is still the scaffold's stub`, {
      fix: `Write the value each row gets (the TODO at \`set\` in src/backfills/${job}.ts), then run it again. Nothing was changed.`,
    });
  }
}

/**
 * The stub's `set` until its TODO is written: the team's job files import it, as
 * src/kit/migration-scaffold/backfill-job-stub.ts writes them.
 * @public
 */
export function unwrittenBackfill(job: string): never {
  throw new UnwrittenBackfillError(job);
}

/** Reads a SQL job's change once, so that an unwritten stub refuses before anything runs. */
export function assertJobWritten(job: BackfillJob): void {
  if (!isTransformJob(job)) void job.set;
}

export const keyColumns = (job: BackfillJob): readonly string[] => (typeof job.key === 'string' ? [job.key] : job.key);
