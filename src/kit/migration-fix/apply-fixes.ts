/**
 * Applies `fixGeneratedMigration` to migration folders on disk: rewrites the generated file and
 * adds the follow-up migrations right after it, one second apart, so they sort (and deploy) in
 * order. Only the newest migration can get follow-ups: one between two existing migrations would
 * reorder history that may already be applied somewhere.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { listBackfillJob } from '../backfill/list-backfill-job.ts';
import { FixError } from './fix-error.ts';
import { migrationFolders, migrationSql } from '../migrations/migration-folders.ts';
import { fixGeneratedMigration } from './fix-generated-migration.ts';
import { loadSqlParsers } from '../sql/parse-statements.ts';
import { type Rename, renameRewrite } from './rename-by-expand-contract.ts';

export interface FixReport {
  migration: string;
  changes: string[];
  /** Migration folders added after it. */
  added: string[];
  /** Backfill job files written (an existing one is the team's and is left alone). */
  jobs: string[];
  refused: string[];
}

/** `20261125040000_add_x` + 2 s → `20261125040002` (timestamps are UTC, as Migrate writes them). */
function laterTimestamp(folder: string, seconds: number): string {
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})_/.exec(folder) ?? [];
  if (!y) throw new FixError(`--fix can't read the timestamp of migration folder ${folder}`);
  const date = new Date(Date.UTC(+y, +mo! - 1, +d!, +h!, +mi!, +s! + seconds));
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * `backfillsDir` is where backfill job files go (src/backfills/); `named` are the drops and adds
 * a person named as renames (--rename), each of which some selected migration must hold;
 * `proven` are the ones schema.prisma proves (renames-in-schema.ts), taken where a migration
 * holds them.
 */
export async function applyFixes(
  dir: string,
  selected: string[],
  backfillsDir: string,
  { named = [], proven = [] }: { named?: Rename[]; proven?: Rename[] } = {},
): Promise<FixReport[]> {
  const parsers = await loadSqlParsers();
  const all = migrationFolders(dir);
  const held = (rename: Rename) =>
    selected.some(
      (migration) =>
        renameRewrite(parsers.parseStatements(migrationSql(migration, dir)), rename, migration) !== undefined,
    );
  for (const rename of named) {
    if (!held(rename))
      throw new FixError(
        `--rename ${rename.table}.${rename.from}:${rename.table}.${rename.to}: no migration of this branch drops ${rename.from} and adds ${rename.to} on ${rename.table}`,
        { fix: 'Check the names, or generate the migration first: npx prisma migrate dev --create-only.' },
      );
  }
  const renames = [...named, ...proven.filter(held)];
  const reports: FixReport[] = [];
  for (const migration of selected) {
    const outcome = fixGeneratedMigration(parsers, migration, migrationSql(migration, dir), renames);
    if (outcome.kind === 'nothing-to-fix') continue;
    if (outcome.kind === 'refused') {
      reports.push({ migration, changes: [], added: [], jobs: [], refused: outcome.reasons });
      continue;
    }
    const { fix } = outcome;
    const follow = [...fix.next];
    // Nothing left in the generated file (it held only an index): its folder takes the first follow-up.
    const ownSql = fix.sql || follow.shift()?.sql || '';
    if (follow.length > 0 && all.at(-1) !== migration) {
      reports.push({
        migration,
        changes: [],
        added: [],
        jobs: [],
        refused: [
          `--fix adds migrations after it, but it is not the newest (${all.at(-1)} is): fix it before creating the next one`,
        ],
      });
      continue;
    }
    writeFileSync(join(dir, migration, 'migration.sql'), ownSql);
    const name = migration.replace(/^\d{14}_/, '');
    const added = follow.map(({ suffix, sql }, i) => {
      const folder = `${laterTimestamp(migration, i + 1)}_${`${name}_${suffix}`
        .toLowerCase()
        .replace(/[^a-z0-9_]+/g, '_')
        .slice(0, 80)}`;
      mkdirSync(join(dir, folder), { recursive: true });
      writeFileSync(join(dir, folder, 'migration.sql'), sql);
      return folder;
    });
    const jobs = fix.jobs
      .map(({ file, source }) => ({ path: join(backfillsDir, file), source }))
      .filter(({ path }) => !existsSync(path));
    const changes = [...fix.changes];
    for (const { path, source } of jobs) {
      mkdirSync(backfillsDir, { recursive: true });
      writeFileSync(path, source);
      if (!listBackfillJob(backfillsDir, path))
        changes.push(
          `add ${basename(path)} to src/backfills/index.ts by hand: its list wasn't in the shape the kit edits`,
        );
    }
    reports.push({ migration, changes, added, jobs: jobs.map(({ path }) => path), refused: [] });
  }
  return reports;
}
