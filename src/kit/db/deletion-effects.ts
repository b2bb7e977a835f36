/**
 * What a DELETE would touch beyond the rows it names: every row that foreign keys would delete
 * (ON DELETE CASCADE, followed transitively), set to NULL or to its default, and every reference
 * that would make the DELETE fail (RESTRICT, NO ACTION). Read from `pg_constraint` and counted
 * with read-only queries, so a command can say what it is about to destroy, and refuse, before
 * it deletes anything. A removal that "deletes 1 row" can take every row of a user table with it.
 */
import type pg from 'pg';
import { quoteIdentifier } from '../sql/quote-identifier.ts';

export type DeleteAction = 'delete' | 'set null' | 'set default' | 'blocks';

export interface DeletionEffect {
  /** The referencing table, as PostgreSQL names it (`user_roles`, `"Thing"`, `billing.invoices`). */
  table: string;
  constraint: string;
  action: DeleteAction;
  rows: number;
}

const ACTIONS: Record<string, DeleteAction> = {
  c: 'delete',
  n: 'set null',
  d: 'set default',
  r: 'blocks',
  a: 'blocks',
};
/** Deeper chains than this are not followed (and are rare in a schema a team reads). */
const MAX_DEPTH = 8;

interface ForeignKey {
  constraint: string;
  child: string;
  childOid: number;
  childColumns: string[];
  parentColumns: string[];
  action: DeleteAction;
}

async function foreignKeysTo(client: pg.ClientBase, tableOid: number): Promise<ForeignKey[]> {
  const result = await client.query<ForeignKey>(
    `SELECT c.conname AS constraint, c.conrelid::regclass::text AS child, c.conrelid::int AS "childOid",
            c.confdeltype AS action,
            ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(attnum, i)
                  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.i)::text[] AS "childColumns",
            ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(attnum, i)
                  JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.i)::text[] AS "parentColumns"
     FROM pg_constraint c WHERE c.contype = 'f' AND c.confrelid = $1 ORDER BY c.conname`,
    [tableOid],
  );
  return result.rows.map((row) => ({ ...row, action: ACTIONS[row.action] ?? 'blocks' }));
}

/**
 * The effects of `DELETE FROM <table> WHERE <where>`, one entry per foreign key that would touch
 * at least one row. `where` is SQL over the table's columns with `$n` parameters from `params`.
 */
export async function deletionEffects(
  client: pg.ClientBase,
  table: string,
  where: string,
  params: unknown[],
): Promise<DeletionEffect[]> {
  const oid = (await client.query<{ oid: number }>('SELECT to_regclass($1)::oid::int AS oid', [table])).rows[0]?.oid;
  if (!oid) return [];
  const effects: DeletionEffect[] = [];
  const id = (name: string) => quoteIdentifier(name);
  const visit = async (tableOid: number, rowsSql: string, path: string[]) => {
    if (path.length >= MAX_DEPTH) return;
    for (const key of await foreignKeysTo(client, tableOid)) {
      if (path.includes(key.constraint)) continue; // a cycle: its rows are counted already
      const childRows = `SELECT child.* FROM ${key.child} child WHERE (${key.childColumns.map((c) => `child.${id(c)}`).join(', ')}) IN (SELECT ${key.parentColumns.map((c) => `parent.${id(c)}`).join(', ')} FROM (${rowsSql}) parent)`;
      const rows = Number(
        (await client.query<{ n: string }>(`SELECT count(*) AS n FROM (${childRows}) counted`, params)).rows[0]?.n ?? 0,
      );
      if (rows === 0) continue;
      effects.push({ table: key.child, constraint: key.constraint, action: key.action, rows });
      if (key.action === 'delete') await visit(key.childOid, childRows, [...path, key.constraint]);
    }
  };
  await visit(oid, `SELECT * FROM ${table} WHERE ${where}`, []);
  return effects;
}

const OUTCOME: Record<Exclude<DeleteAction, 'blocks'>, string> = {
  delete: 'deleted',
  'set null': 'set to NULL',
  'set default': 'set to their default',
};

/** `12 rows of user_roles deleted (user_roles_role_id_fkey)`, for messages. */
export function describeEffect(effect: DeletionEffect): string {
  const rows = `${effect.rows} row${effect.rows === 1 ? '' : 's'} of ${effect.table}`;
  const via = `(${effect.constraint})`;
  if (effect.action === 'blocks') return `${rows} still refer to it ${via}, so the delete would fail`;
  return `${rows} ${OUTCOME[effect.action]} ${via}`;
}
