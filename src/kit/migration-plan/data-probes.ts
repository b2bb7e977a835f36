/**
 * Data probes: before a deploy, read-only counts of the rows that would make a pending statement
 * fail half-way through it. The linter and the lock model judge a migration by its text; what the
 * text can't show is whether the data agrees: duplicates before a unique index or constraint,
 * NULLs before SET NOT NULL or a required column, rows breaking a CHECK or a foreign key before
 * they are validated. Each probe is one COUNT in a READ ONLY transaction bounded by
 * statement_timeout, and a table over the sampling threshold is read through TABLESAMPLE (the
 * result says so: a sample can show rows exist, never that none do). A probe that finds rows
 * stops the deploy before any migration runs (migrate:plan exits 1), with the count and a query
 * that lists them. Rows a DROP would remove are counted too, for the reader, without failing.
 * Atlas (paid) and Liquibase check data before constraints; no free tool for Prisma did.
 */
import type pg from 'pg';
import {
  alterCommands,
  effectiveStatements,
  type Node,
  type ParsedStatement,
  relationName,
  type SqlParsers,
} from '../sql/parse-statements.ts';
import { quoteIdentifier, quoteQualifiedName } from '../sql/quote-identifier.ts';

export interface DataProbe {
  /** The statement's line in its migration (a DO block's, for the statements in its body). */
  line: number;
  /** For a person: `duplicates of posts(slug) before CREATE UNIQUE INDEX`. */
  check: string;
  table: string;
  /** SQL that counts the offending rows as `n`, reading the table as `from` gives it (sampled or not). */
  count: (from: string) => string;
  /** SQL a person runs to see them. */
  list: string;
  /** Rows found make the statement fail; false: only counted (what a DROP removes). */
  blocking: boolean;
  /**
   * A VALIDATE of a constraint the database already has (added NOT VALID by an applied
   * migration): its name; `count` and `list` come from its catalog definition when the probe runs.
   */
  constraintInCatalog?: string;
}

export interface ProbeResult {
  probe: DataProbe;
  /** Rows found (duplicate values, for a unique probe); undefined when it could not run. */
  rows?: number;
  /** The share of the table read, when it was sampled. */
  sampledPercent?: number;
  /** Why it did not run: a timeout, or a table or column an earlier pending statement creates. */
  skipped?: string;
}

/** A constraint added NOT VALID by a pending statement, for the VALIDATE that follows it. */
export type PendingConstraints = Map<string, (line: number) => DataProbe>;

const columns = (list: Node[] | undefined): string[] => (list ?? []).map((name: Node) => name.String?.sval);
const quotedList = (names: string[]) => names.map(quoteIdentifier).join(', ');
const allNotNull = (names: string[], alias = '') =>
  names.map((name) => `${alias}${quoteIdentifier(name)} IS NOT NULL`).join(' AND ');

function uniqueProbe(line: number, table: string, keys: string[], what: string, nullsDistinct: boolean): DataProbe {
  const where = nullsDistinct ? ` WHERE ${allNotNull(keys)}` : '';
  const groups = (from: string) =>
    `SELECT ${quotedList(keys)}, count(*) AS copies FROM ${from}${where} GROUP BY ${quotedList(keys)} HAVING count(*) > 1`;
  return {
    line,
    check: `duplicates of ${table}(${keys.join(', ')}) before ${what}`,
    table,
    count: (from) => `SELECT count(*) AS n FROM (${groups(from)}) AS duplicates`,
    list: `${groups(quoteQualifiedName(table))} ORDER BY copies DESC LIMIT 50`,
    blocking: true,
  };
}

function whereProbe(line: number, table: string, check: string, where: string, blocking = true): DataProbe {
  return {
    line,
    check,
    table,
    count: (from) => `SELECT count(*) AS n FROM ${from} WHERE ${where}`,
    list: `SELECT * FROM ${quoteQualifiedName(table)} WHERE ${where} LIMIT 50`,
    blocking,
  };
}

function foreignKeyProbe(line: number, table: string, name: string, constraint: Node): DataProbe | undefined {
  const keys = columns(constraint.fk_attrs);
  const referenced = columns(constraint.pk_attrs);
  if (referenced.length === 0 || referenced.length !== keys.length) return undefined; // the parent's key, unnamed
  const parent = relationName(constraint.pktable);
  const matches = keys
    .map((key, i) => `p.${quoteIdentifier(referenced[i]!)} = c.${quoteIdentifier(key)}`)
    .join(' AND ');
  const where = `${allNotNull(keys, 'c.')} AND NOT EXISTS (SELECT 1 FROM ${quoteQualifiedName(parent)} AS p WHERE ${matches})`;
  return {
    line,
    check: `rows of ${table} whose ${keys.join(', ')} has no ${parent} row, before FOREIGN KEY ${name}`,
    table,
    count: (from) => `SELECT count(*) AS n FROM ${from} AS c WHERE ${where}`,
    list: `SELECT c.* FROM ${quoteQualifiedName(table)} AS c WHERE ${where} LIMIT 50`,
    blocking: true,
  };
}

function checkProbe(parsers: SqlParsers, statement: ParsedStatement, line: number, table: string, constraint: Node) {
  const expression = parsers.checkExpressionText(statement, constraint.location ?? 0);
  if (!expression) return undefined;
  // A CHECK fails only where its expression is false: NULL passes.
  return whereProbe(
    line,
    table,
    `rows of ${table} breaking CHECK${constraint.conname ? ` ${constraint.conname}` : ''} (${expression})`,
    `NOT (${expression})`,
  );
}

/** Probes of one ALTER TABLE command. */
function commandProbes(
  parsers: SqlParsers,
  statement: ParsedStatement,
  line: number,
  table: string,
  cmd: Node,
  pending: PendingConstraints,
): DataProbe[] {
  switch (cmd.subtype) {
    case 'AT_SetNotNull':
      return [
        whereProbe(
          line,
          table,
          `NULLs in ${table}.${cmd.name} before SET NOT NULL`,
          `${quoteIdentifier(cmd.name)} IS NULL`,
        ),
      ];
    case 'AT_AddColumn': {
      const column = cmd.def.ColumnDef;
      const kinds = (column.constraints ?? []).map((c: Node) => c.Constraint.contype);
      if (!kinds.includes('CONSTR_NOTNULL') || kinds.includes('CONSTR_DEFAULT') || kinds.includes('CONSTR_IDENTITY'))
        return [];
      return [
        whereProbe(
          line,
          table,
          `rows of ${table}, which a required ${column.colname} without a default can't be added to`,
          'true',
        ),
      ];
    }
    case 'AT_DropColumn':
      return [
        whereProbe(
          line,
          table,
          `values DROP COLUMN ${table}.${cmd.name} removes`,
          `${quoteIdentifier(cmd.name)} IS NOT NULL`,
          false,
        ),
      ];
    case 'AT_ValidateConstraint': {
      const probe = pending.get(`${table}.${cmd.name}`);
      return probe ? [probe(line)] : [catalogProbe(line, table, cmd.name)];
    }
    case 'AT_AddConstraint': {
      const c = cmd.def.Constraint;
      const name = c.conname ?? '';
      if ((c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY') && !c.indexname) {
        const keys = columns(c.keys);
        const what = c.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : `UNIQUE ${name}`.trim();
        return [
          uniqueProbe(line, table, keys, what, c.contype === 'CONSTR_UNIQUE' && !c.nulls_not_distinct),
          ...(c.contype === 'CONSTR_PRIMARY'
            ? [
                whereProbe(
                  line,
                  table,
                  `NULLs in ${table}(${keys.join(', ')}) before PRIMARY KEY`,
                  `NOT (${allNotNull(keys)})`,
                ),
              ]
            : []),
        ];
      }
      const probe =
        c.contype === 'CONSTR_CHECK'
          ? (at: number) => checkProbe(parsers, statement, at, table, c)
          : c.contype === 'CONSTR_FOREIGN'
            ? (at: number) => foreignKeyProbe(at, table, name, c)
            : undefined;
      if (!probe) return [];
      if (c.skip_validation) {
        const later = probe(line);
        if (later) pending.set(`${table}.${name}`, (at) => ({ ...later, line: at }));
        return [];
      }
      return probe(line) ? [probe(line)!] : [];
    }
    default:
      return [];
  }
}

/**
 * VALIDATE of a constraint the database already has (added NOT VALID by an applied migration):
 * its definition is read from the catalog when the probe runs.
 */
function catalogProbe(line: number, table: string, name: string): DataProbe {
  const unread = () => {
    throw new Error(`${name}'s definition is read from the catalog first`);
  };
  return {
    line,
    check: `rows of ${table} breaking ${name} before VALIDATE`,
    table,
    count: unread,
    list: '',
    blocking: true,
    constraintInCatalog: name,
  };
}

/**
 * The probes of a pending migration's statements, in order. `pending` carries the constraints
 * added NOT VALID across the pending migrations, so that a VALIDATE in a later one is probed.
 */
export function dataProbes(
  parsers: SqlParsers,
  statements: ParsedStatement[],
  pending: PendingConstraints = new Map(),
): DataProbe[] {
  return statements.flatMap((outer) =>
    effectiveStatements(outer).flatMap((statement) => {
      const { kind, body } = statement;
      if (kind === 'IndexStmt' && body.unique) {
        const keys: Array<string | undefined> = (body.indexParams ?? []).map((param: Node) => param.IndexElem?.name);
        // An expression or a partial index: its rows can't be counted from names alone.
        if (body.whereClause || keys.some((key) => key === undefined)) return [];
        const what = `CREATE UNIQUE INDEX${body.concurrent ? ' CONCURRENTLY' : ''} ${body.idxname ?? ''}`.trim();
        return [uniqueProbe(outer.line, relationName(body.relation), keys as string[], what, !body.nulls_not_distinct)];
      }
      if (kind === 'AlterTableStmt' && body.objtype === 'OBJECT_TABLE') {
        const table = relationName(body.relation);
        return alterCommands(statement).flatMap((cmd) =>
          commandProbes(parsers, statement, outer.line, table, cmd, pending),
        );
      }
      if (kind === 'DropStmt' && body.removeType === 'OBJECT_TABLE') {
        return (body.objects ?? []).map((object: Node) => {
          const table = columns(object.List?.items).join('.');
          return whereProbe(outer.line, table, `rows DROP TABLE ${table} removes`, 'true', false);
        });
      }
      return [];
    }),
  );
}

export interface ProbeSettings {
  /** statement_timeout of each probe. */
  timeoutMs: number;
  /** Tables estimated above this many rows are sampled. */
  sampleAbove: number;
}

/** The catalog's CHECK or FOREIGN KEY definition of an existing constraint, as a probe. */
async function fromCatalog(client: pg.Client, probe: DataProbe, name: string): Promise<DataProbe | string> {
  const { rows } = await client.query<{
    contype: string;
    def: string;
    keys: string[];
    parent: string;
    referenced: string[];
  }>(
    `SELECT c.contype, pg_get_constraintdef(c.oid) AS def,
            ARRAY(SELECT attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY i)::text[] AS keys,
            c.confrelid::regclass::text AS parent,
            ARRAY(SELECT attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY i)::text[] AS referenced
       FROM pg_constraint c WHERE c.conrelid = to_regclass($1) AND c.conname = $2`,
    [quoteQualifiedName(probe.table), name],
  );
  const row = rows[0];
  if (!row) return `${name} is not on ${probe.table} yet`;
  if (row.contype === 'c') {
    const expression = /^CHECK \((.*)\)(?: NOT VALID)?$/s.exec(row.def)?.[1];
    if (!expression) return `can't read ${row.def}`;
    return whereProbe(
      probe.line,
      probe.table,
      `rows of ${probe.table} breaking ${row.def.replace(/ NOT VALID$/, '')}`,
      `NOT (${expression})`,
    );
  }
  if (row.contype === 'f') {
    const node = {
      fk_attrs: row.keys.map((sval) => ({ String: { sval } })),
      pk_attrs: row.referenced.map((sval) => ({ String: { sval } })),
      pktable: { relname: row.parent.replace(/^"|"$/g, '') },
    };
    return foreignKeyProbe(probe.line, probe.table, name, node) ?? `can't read ${row.def}`;
  }
  return `${name} is neither a CHECK nor a FOREIGN KEY`;
}

/** Runs each probe read-only, bounded by the timeout, sampling big tables. */
export async function runProbes(
  client: pg.Client,
  probes: DataProbe[],
  settings: ProbeSettings,
): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const planned of probes) {
    const resolved = planned.constraintInCatalog
      ? await fromCatalog(client, planned, planned.constraintInCatalog).catch((error: Error) => error.message)
      : planned;
    if (typeof resolved === 'string') {
      results.push({ probe: planned, skipped: resolved });
      continue;
    }
    const probe = resolved;
    try {
      await client.query('BEGIN READ ONLY');
      await client.query(`SET LOCAL statement_timeout = ${Math.round(settings.timeoutMs)}`);
      const estimate = Number(
        (
          await client.query<{ n: number }>('SELECT reltuples::float8 AS n FROM pg_class WHERE oid = to_regclass($1)', [
            quoteQualifiedName(probe.table),
          ])
        ).rows[0]?.n ?? 0,
      );
      const sampledPercent =
        estimate > settings.sampleAbove ? Math.max(0.01, (100 * settings.sampleAbove) / estimate) : undefined;
      const from = `${quoteQualifiedName(probe.table)}${sampledPercent ? ` TABLESAMPLE SYSTEM (${sampledPercent.toFixed(2)})` : ''}`;
      const { rows } = await client.query<{ n: string }>(probe.count(from));
      results.push({ probe, rows: Number(rows[0]!.n), sampledPercent });
    } catch (error) {
      const { code, message } = error as { code?: string; message: string };
      const skipped =
        code === '57014'
          ? `timed out after ${settings.timeoutMs / 1000} s (raise --probe-timeout-s, or run the listing query yourself)`
          : code === '42P01' || code === '42703'
            ? `${message}: an earlier pending statement creates it`
            : message;
      results.push({ probe, skipped });
    } finally {
      await client.query('ROLLBACK').catch(() => {});
    }
  }
  return results;
}
