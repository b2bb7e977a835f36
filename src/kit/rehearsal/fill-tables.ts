/**
 * Brings the tables a rehearsal touches to production size with generated rows
 * (generated-rows.ts): parents before children, each to its target count (what it has already
 * counts), in batches that report progress, then ANALYZE so that the migration's plans and the
 * report's sizes see the rows.
 */
import type pg from 'pg';
import { createProgress } from '../progress.ts';
import { fillStatement, readTableShape, type TableShape, UnfillableTable } from './generated-rows.ts';

const BATCH = 100_000;
/** A parent only a foreign key needs (the migrations don't touch it) gets at most this many rows. */
const PARENT_ROWS = 10_000;

export interface FilledTable {
  table: string;
  rows: number;
  /** True when the kit inserted rows; false when the table already had its target. */
  generated: boolean;
}

/** The tables to fill, parents first: `touched`, and every parent a required foreign key needs. */
async function fillOrder(client: pg.ClientBase, touched: string[]): Promise<TableShape[]> {
  const shapes = new Map<string, TableShape>();
  const ordered: TableShape[] = [];
  const visit = async (table: string, trail: string[]) => {
    if (shapes.has(table) || trail.includes(table)) return;
    const shape = await readTableShape(client, table);
    shapes.set(table, shape);
    for (const key of shape.foreignKeys) {
      if (key.parent !== table) await visit(key.parent, [...trail, table]);
    }
    ordered.push(shape);
  };
  for (const table of touched) await visit(table, []);
  return ordered;
}

/** `rowsFor(table)`: the target of a touched table; parents get at most PARENT_ROWS. */
export async function fillTables(
  client: pg.ClientBase,
  touched: string[],
  rowsFor: (table: string) => number,
): Promise<FilledTable[]> {
  const filled: FilledTable[] = [];
  for (const shape of await fillOrder(client, touched)) {
    const target = touched.includes(shape.table) ? rowsFor(shape.table) : Math.min(rowsFor(shape.table), PARENT_ROWS);
    const have = Number((await client.query(`SELECT count(*) AS n FROM ${shape.table}`)).rows[0].n);
    if (have >= target) {
      filled.push({ table: shape.table, rows: have, generated: false });
      continue;
    }
    const insert = fillStatement(shape);
    const progress = createProgress({ label: `filling ${shape.table}`, total: target - have });
    try {
      for (let from = 1; from <= target - have; from += BATCH) {
        await client.query(insert, [from, Math.min(from + BATCH - 1, target - have)]);
        progress.update(Math.min(from + BATCH - 1, target - have));
      }
    } catch (error) {
      throw new UnfillableTable(shape.table, `generated rows were refused: ${(error as Error).message}`);
    }
    progress.finish();
    await client.query(`ANALYZE ${shape.table}`);
    filled.push({ table: shape.table, rows: target, generated: true });
  }
  return filled;
}
