/**
 * The reference seed: safe to run in production, on every deploy, after `prisma migrate deploy`.
 *
 * - Refuses files whose SHA-256 differs from prisma/reference/manifest.json (an unreviewed edit).
 * - Validates every row before writing anything (missing key, wrong type, unknown column,
 *   duplicate key), reporting file and line.
 * - Upserts by natural key in batches inside one transaction; a row whose values already match
 *   is not written at all, so a re-run with unchanged files writes zero rows.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import pg from 'pg';
import { CliError } from '../cli-error.ts';
import { projectRoot, prismaDir } from '../project-paths.ts';
import type { ColumnType, ReferenceTable } from './reference-table.ts';

export const referenceDir = join(prismaDir, 'reference');
const MANIFEST = 'manifest.json';
const BATCH_SIZE = 5_000;

interface Manifest {
  version: number;
  files: Record<string, string>;
}

export interface ParsedTable {
  rows: Array<Record<string, unknown>>;
  removedKeys: unknown[];
}

export interface TableResult {
  table: string;
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
}

const display = (path: string) => relative(projectRoot, path) || path;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function readManifest(dir: string): Manifest {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) return { version: 0, files: {} };
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

export function verifyChecksums(tables: ReferenceTable[], dir = referenceDir): void {
  const manifest = readManifest(dir);
  for (const { file } of tables) {
    const path = join(dir, file);
    const recorded = manifest.files[file];
    if (!recorded) {
      throw new CliError(
        `${display(path)} has no checksum in ${MANIFEST}. After review, run: npm run seed:reference -- --update-checksums`,
      );
    }
    if (sha256(readFileSync(path)) !== recorded) {
      throw new CliError(
        `${display(path)} does not match its checksum in ${MANIFEST} (edited without review?). After review, run: npm run seed:reference -- --update-checksums`,
      );
    }
  }
}

/** Rewrites the manifest for the current files and bumps its version; returns the new version. */
export function updateChecksums(tables: ReferenceTable[], dir = referenceDir): number {
  const previous = readManifest(dir);
  const files = Object.fromEntries(tables.map(({ file }) => [file, sha256(readFileSync(join(dir, file)))]));
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
  const where = (line: number) => `${display(path)}:${line}`;
  const rows: Array<Record<string, unknown>> = [];
  const removedKeys: unknown[] = [];
  const seen = new Map<unknown, number>();
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.forEach((text, index) => {
    const line = index + 1;
    if (!text.trim()) return;
    let row: unknown;
    try {
      row = JSON.parse(text);
    } catch {
      throw new CliError(`${where(line)}: not valid JSON. Each line must be one JSON object.`);
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new CliError(`${where(line)}: expected a JSON object, one row per line.`);
    }
    const record = row as Record<string, unknown>;
    const key = record[spec.key];
    if (key === undefined || key === null || key === '') {
      throw new CliError(`${where(line)}: missing the key column "${spec.key}".`);
    }
    if (!matchesType(key, spec.columns[spec.key] ?? 'text')) {
      throw new CliError(`${where(line)}: "${spec.key}" must be ${spec.columns[spec.key]}.`);
    }
    const firstSeen = seen.get(key);
    if (firstSeen !== undefined) {
      throw new CliError(
        `${where(line)}: duplicate key ${spec.key}=${JSON.stringify(key)} (first on line ${firstSeen}).`,
      );
    }
    seen.set(key, line);
    if (record._removed === true) {
      removedKeys.push(key);
      return;
    }
    for (const column of Object.keys(record)) {
      if (!(column in spec.columns)) {
        throw new CliError(
          `${where(line)}: unknown column "${column}" for ${spec.table} (known: ${Object.keys(spec.columns).join(', ')}).`,
        );
      }
    }
    for (const [column, type] of Object.entries(spec.columns)) {
      if (!(column in record)) throw new CliError(`${where(line)}: missing column "${column}".`);
      if (!matchesType(record[column], type)) {
        throw new CliError(`${where(line)}: "${column}" must be ${type}, got ${JSON.stringify(record[column])}.`);
      }
    }
    rows.push(record);
  });
  return { rows, removedKeys };
}

async function upsertBatch(client: pg.ClientBase, spec: ReferenceTable, rows: Array<Record<string, unknown>>) {
  const columns = Object.keys(spec.columns);
  const id = (name: string) => client.escapeIdentifier(name);
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
  dir?: string;
}

export async function seedReferenceData(url: string, options: SeedOptions): Promise<TableResult[]> {
  const dir = options.dir ?? referenceDir;
  const { tables } = options;
  verifyChecksums(tables, dir);
  // Parse everything first: a bad row anywhere stops the seed before any write.
  const parsed = tables.map((spec) => ({ spec, ...parseReferenceFile(dir, spec) }));

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const results: TableResult[] = [];
  try {
    await client.query('BEGIN');
    for (const { spec, rows, removedKeys } of parsed) {
      const result: TableResult = { table: spec.table, created: 0, updated: 0, unchanged: 0, removed: 0 };
      for (let start = 0; start < rows.length; start += BATCH_SIZE) {
        const batch = await upsertBatch(client, spec, rows.slice(start, start + BATCH_SIZE));
        result.created += batch.created;
        result.updated += batch.updated;
      }
      result.unchanged = rows.length - result.created - result.updated;
      if (removedKeys.length > 0) {
        const keyType = spec.columns[spec.key];
        const removed = await client.query(
          `DELETE FROM ${client.escapeIdentifier(spec.table)} WHERE ${client.escapeIdentifier(spec.key)} = ANY($1::${keyType}[])`,
          [removedKeys],
        );
        result.removed = removed.rowCount ?? 0;
      }
      results.push(result);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    const table = parsed[results.length]?.spec.table ?? 'reference data';
    throw new CliError(`Reference seed failed on ${table}, nothing was written: ${(error as Error).message}`);
  } finally {
    await client.end();
  }
  return results;
}
