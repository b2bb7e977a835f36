/**
 * The reference seed: safe to run in production, on every deploy, after `prisma migrate deploy`.
 *
 * - Refuses files whose SHA-256 differs from prisma/reference/manifest.json (an unreviewed edit).
 * - Validates every row before writing anything (missing key, wrong type, unknown column,
 *   duplicate key), reporting file and line.
 * - Upserts by natural key in batches inside one transaction; a row whose values already match
 *   is not written at all, so a re-run with unchanged files writes zero rows.
 * - A `"_removed": true` row is deleted only when what its foreign keys would delete or change
 *   with it (counted through `pg_constraint`, transitively) is authorised on that same reviewed
 *   line, table by table: `"_cascade": {"user_roles": 12}`. The live count is checked on every
 *   run, so a deploy months later that would take more rows refuses. No command-line flag can
 *   authorise it: a flag set once in a workflow would authorise every later cascade.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { connectPgClient } from '../db/pg-client.ts';
import { KitError } from '../kit-error.ts';
import { deletionEffects, describeEffect } from '../db/deletion-effects.ts';
import type { ColumnType, ReferenceTable } from './reference-table.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';
import { sha256Hex } from '../sha256.ts';

const MANIFEST = 'manifest.json';
const BATCH_SIZE = 5_000;

interface Manifest {
  version: number;
  files: Record<string, string>;
}

/** A `"_removed": true` line: its key, where it is, and what it authorises foreign keys to touch. */
export interface Removal {
  key: unknown;
  line: number;
  /** Referencing table → the most rows a removal may delete or change there. */
  cascade: Record<string, number>;
}

export interface ParsedTable {
  rows: Array<Record<string, unknown>>;
  removals: Removal[];
}

export interface TableResult {
  table: string;
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
  /** Rows of other tables that foreign keys deleted or changed with the removed ones. */
  cascaded: number;
}

/** A reference data file the seed refuses: which file, which line, what is wrong with it. */
export class ReferenceFileError extends KitError {}

/** The seed's transaction failed on a table (a constraint, a lost connection): nothing was written. */
export class ReferenceSeedError extends KitError {}

const AFTER_REVIEW = 'After review, run: npm run seed:reference -- --update-checksums';

function readManifest(dir: string): Manifest {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) return { version: 0, files: {} };
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

export function verifyChecksums(tables: ReferenceTable[], dir: string): void {
  const manifest = readManifest(dir);
  for (const { file } of tables) {
    const path = join(dir, file);
    const recorded = manifest.files[file];
    if (!recorded) throw new ReferenceFileError(`no checksum in ${MANIFEST}`, { file: path, fix: AFTER_REVIEW });
    if (sha256Hex(readFileSync(path)) !== recorded) {
      throw new ReferenceFileError(`does not match its checksum in ${MANIFEST} (edited without review?)`, {
        file: path,
        fix: AFTER_REVIEW,
      });
    }
  }
}

/** Rewrites the manifest for the current files and bumps its version; returns the new version. */
export function updateChecksums(tables: ReferenceTable[], dir: string): number {
  const previous = readManifest(dir);
  const files = Object.fromEntries(tables.map(({ file }) => [file, sha256Hex(readFileSync(join(dir, file)))]));
  const changed = JSON.stringify(files) !== JSON.stringify(previous.files);
  const manifest: Manifest = { version: previous.version + (changed ? 1 : 0), files };
  writeFileSync(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest.version;
}

function matchesType(value: unknown, type: ColumnType): boolean {
  if (type === 'text') return typeof value === 'string';
  if (type === 'boolean') return typeof value === 'boolean';
  return Number.isInteger(value);
}

export function parseReferenceFile(dir: string, spec: ReferenceTable): ParsedTable {
  const path = join(dir, spec.file);
  const refuse = (line: number, problem: string, fix?: string) =>
    new ReferenceFileError(problem, { file: path, line, fix });
  const rows: Array<Record<string, unknown>> = [];
  const removals: Removal[] = [];
  const seen = new Map<unknown, number>();
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.forEach((text, index) => {
    const line = index + 1;
    if (!text.trim()) return;
    let row: unknown;
    try {
      row = JSON.parse(text);
    } catch {
      throw refuse(line, 'not valid JSON', 'Each line must be one JSON object.');
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw refuse(line, 'expected a JSON object, one row per line');
    }
    const record = row as Record<string, unknown>;
    const key = record[spec.key];
    if (key === undefined || key === null || key === '') {
      throw refuse(line, `missing the key column "${spec.key}"`);
    }
    if (!matchesType(key, spec.columns[spec.key] ?? 'text')) {
      throw refuse(line, `"${spec.key}" must be ${spec.columns[spec.key]}`);
    }
    const firstSeen = seen.get(key);
    if (firstSeen !== undefined) {
      throw refuse(line, `duplicate key ${spec.key}=${JSON.stringify(key)} (first on line ${firstSeen})`);
    }
    seen.set(key, line);
    if (record._removed === true) {
      removals.push({ key, line, cascade: parseCascade(record, (problem, fix) => refuse(line, problem, fix)) });
      return;
    }
    for (const column of Object.keys(record)) {
      if (!(column in spec.columns)) {
        throw refuse(
          line,
          `unknown column "${column}" for ${spec.table} (known: ${Object.keys(spec.columns).join(', ')})`,
        );
      }
    }
    for (const [column, type] of Object.entries(spec.columns)) {
      if (!(column in record)) throw refuse(line, `missing column "${column}"`);
      if (!matchesType(record[column], type)) {
        throw refuse(line, `"${column}" must be ${type}, got ${JSON.stringify(record[column])}`);
      }
    }
    rows.push(record);
  });
  return { rows, removals };
}

function parseCascade(
  record: Record<string, unknown>,
  refuse: (problem: string, fix?: string) => ReferenceFileError,
): Record<string, number> {
  const cascade = record._cascade ?? {};
  const valid =
    typeof cascade === 'object' &&
    cascade !== null &&
    !Array.isArray(cascade) &&
    Object.values(cascade).every((rows) => Number.isInteger(rows) && (rows as number) >= 0);
  if (!valid) throw refuse('"_cascade" must map table names to row counts, e.g. {"user_roles": 12}');
  return cascade as Record<string, number>;
}

/**
 * Refuses a removal whose foreign-key effects are not authorised on its line (or exceed what
 * is), or that a RESTRICT / NO ACTION reference would make fail. Returns the rows it may touch.
 */
async function checkRemoval(
  client: pg.ClientBase,
  spec: ReferenceTable,
  removal: Removal,
  file: string,
): Promise<number> {
  const keyType = spec.columns[spec.key];
  const effects = await deletionEffects(
    client,
    quoteIdentifier(spec.table),
    `${quoteIdentifier(spec.key)} = $1::${keyType}`,
    [removal.key],
  );
  const what = `removing ${spec.key}=${JSON.stringify(removal.key)}`;
  const at = { file, line: removal.line };
  const blocking = effects.filter((effect) => effect.action === 'blocks');
  if (blocking.length > 0)
    throw new ReferenceFileError(`${what}: ${blocking.map(describeEffect).join('; ')}`, {
      ...at,
      fix: 'Move or delete those rows in a migration first; nothing was written.',
    });
  const byTable = new Map<string, number>();
  for (const effect of effects) byTable.set(effect.table, (byTable.get(effect.table) ?? 0) + effect.rows);
  const unauthorised = [...byTable].filter(([table, rows]) => rows > (removal.cascade[table] ?? 0));
  if (unauthorised.length > 0) {
    const authorise = JSON.stringify(Object.fromEntries(byTable));
    throw new ReferenceFileError(
      `${what} would also touch ${effects.map(describeEffect).join('; ')}, more than its line allows; nothing was written`,
      {
        ...at,
        fix: `If that is intended, put "_cascade": ${authorise} on that line, review it, and run npm run seed:reference -- --update-checksums.`,
      },
    );
  }
  return [...byTable.values()].reduce((sum, rows) => sum + rows, 0);
}

async function upsertBatch(client: pg.ClientBase, spec: ReferenceTable, rows: Array<Record<string, unknown>>) {
  const columns = Object.keys(spec.columns);
  const id = (name: string) => quoteIdentifier(name);
  const others = columns.filter((column) => column !== spec.key);
  const table = id(spec.table);
  // unnest() turns one array parameter per column into rows: one statement per batch.
  const sql = `
    INSERT INTO ${table} (${columns.map(id).join(', ')})
    SELECT * FROM unnest(${columns.map((column, i) => `$${i + 1}::${spec.columns[column]}[]`).join(', ')})
    ON CONFLICT (${id(spec.key)}) DO UPDATE SET ${others.map((c) => `${id(c)} = EXCLUDED.${id(c)}`).join(', ')}
    WHERE (${others.map((c) => `${table}.${id(c)}`).join(', ')}) IS DISTINCT FROM (${others.map((c) => `EXCLUDED.${id(c)}`).join(', ')})
    RETURNING (xmax = 0) AS created`;
  const params = columns.map((column) => rows.map((row) => row[column]));
  const result = await client.query<{ created: boolean }>(sql, params);
  const created = result.rows.filter((row) => row.created).length;
  return { created, updated: result.rows.length - created };
}

export interface SeedOptions {
  /** The project's list: kit.config.ts. */
  tables: ReferenceTable[];
  /** The folder of the reference files and their manifest: the settings' `reference`. */
  dir: string;
}

export async function seedReferenceData(url: string, options: SeedOptions): Promise<TableResult[]> {
  verifyChecksums(options.tables, options.dir);
  return loadReferenceData(url, options);
}

/**
 * `--update-checksums`: loads a reviewed edit as the deploy will, then records its checksums.
 * Only files that parsed, validated and committed get stamped; a failure leaves the manifest as
 * it was, so the reviewed stamp never covers a broken file.
 */
export async function seedReviewedEdit(
  url: string,
  options: SeedOptions,
): Promise<{ results: TableResult[]; manifestVersion: number }> {
  const results = await loadReferenceData(url, options);
  return { results, manifestVersion: updateChecksums(options.tables, options.dir) };
}

async function loadReferenceData(url: string, options: SeedOptions): Promise<TableResult[]> {
  const { tables, dir } = options;
  // Parse everything first: a bad row anywhere stops the seed before any write.
  const parsed = tables.map((spec) => ({ spec, ...parseReferenceFile(dir, spec) }));

  const client = await connectPgClient(url);
  const results: TableResult[] = [];
  try {
    await client.query('BEGIN');
    for (const { spec, rows, removals } of parsed) {
      const result: TableResult = { table: spec.table, created: 0, updated: 0, unchanged: 0, removed: 0, cascaded: 0 };
      for (let start = 0; start < rows.length; start += BATCH_SIZE) {
        const batch = await upsertBatch(client, spec, rows.slice(start, start + BATCH_SIZE));
        result.created += batch.created;
        result.updated += batch.updated;
      }
      result.unchanged = rows.length - result.created - result.updated;
      for (const removal of removals) {
        result.cascaded += await checkRemoval(client, spec, removal, join(dir, spec.file));
        const removed = await client.query(
          `DELETE FROM ${quoteIdentifier(spec.table)} WHERE ${quoteIdentifier(spec.key)} = $1::${spec.columns[spec.key]}`,
          [removal.key],
        );
        result.removed += removed.rowCount ?? 0;
      }
      results.push(result);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (error instanceof KitError) throw error;
    const table = parsed[results.length]?.spec.table ?? 'reference data';
    throw new ReferenceSeedError(`Reference seed failed on ${table}, nothing was written: ${(error as Error).message}`);
  } finally {
    await client.end();
  }
  return results;
}
