/**
 * The shape every factory shares: `build` (a plain object, no database), `create` (one row) and
 * `createMany` (batched inserts), with overrides and named traits. Each model's file supplies
 * only its defaults, traits and how to insert; faker makes the values, so `faker.seed(n)` makes
 * them repeatable (the test setup seeds it per test).
 */
import type { Prisma } from '../../../src/generated/prisma/client.ts';

/** A client or an interactive transaction's client: factories work inside `$transaction` too. */
export type Db = Prisma.TransactionClient;

export interface FactorySpec<Input, Row, Trait extends string> {
  /** Fresh default values; called once per row so sequences and faker advance. */
  defaults(sequence: number): Input;
  traits: Record<Trait, Partial<Input>>;
  /** Inserts rows and returns them (see bulk-insert.ts); used for create and, in chunks, for createMany. */
  insert(db: Db, rows: Input[]): Promise<Row[]>;
}

export interface Factory<Input, Row, Trait extends string> {
  build(overrides?: Partial<Input>, ...traits: Trait[]): Input;
  create(db: Db, overrides?: Partial<Input>, ...traits: Trait[]): Promise<Row>;
  createMany(
    db: Db,
    count: number,
    overrides?: Partial<Input> | ((index: number) => Partial<Input>),
    ...traits: Trait[]
  ): Promise<Row[]>;
}

/** Rows per INSERT in createMany: large enough to amortise round trips, small enough for PostgreSQL's parameter limit. */
const CHUNK = 2_000;

// Unique per process; each test file runs in its own database, so that is unique enough there.
let counter = 0;
export const nextSequence = (): number => (counter += 1);

export function defineFactory<Input, Row, Trait extends string>(
  spec: FactorySpec<Input, Row, Trait>,
): Factory<Input, Row, Trait> {
  const build = (overrides: Partial<Input> = {}, ...traits: Trait[]): Input => ({
    ...spec.defaults(nextSequence()),
    ...Object.assign({}, ...traits.map((trait) => spec.traits[trait])),
    ...overrides,
  });
  return {
    build,
    async create(db, overrides, ...traits) {
      const [row] = await spec.insert(db, [build(overrides, ...traits)]);
      return row as Row;
    },
    async createMany(db, count, overrides, ...traits) {
      const rows: Row[] = [];
      for (let start = 0; start < count; start += CHUNK) {
        const size = Math.min(CHUNK, count - start);
        const batch = Array.from({ length: size }, (_, i) =>
          build(typeof overrides === 'function' ? overrides(start + i) : overrides, ...traits),
        );
        rows.push(...(await spec.insert(db, batch)));
      }
      return rows;
    },
  };
}
