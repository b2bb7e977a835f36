/**
 * `npm run migrate:new`: checks a pattern's arguments and writes its migration folders,
 * named the way Prisma names them (UTC timestamp + name), so nobody writes these from memory.
 * Nothing is written unless every argument is usable and no folder would clash.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { listBackfillJob } from '../backfill/list-backfill-job.ts';
import { KitError } from '../kit-error.ts';
import { backfillJobStub } from './backfill-job-stub.ts';
import { PATTERNS, type PatternArgs } from './templates.ts';

export interface ScaffoldRequest {
  pattern: string | undefined;
  name: string | undefined;
  args: PatternArgs | { table?: string };
  migrationsDir: string;
  /** Where a pattern's backfill job stub goes (src/backfills/). */
  backfillsDir: string;
  now?: Date;
}

/** A request the scaffolder refuses before writing anything: a pattern, name or option it can't use. */
export class ScaffoldRequestError extends KitError {}

export interface ScaffoldResult {
  folders: string[];
  /** Files written besides the migrations (a backfill job stub), relative to their folder's parent. */
  files: string[];
  next: string[];
  playbook: string;
}

const NAME = /^[a-z][a-z0-9_]{0,62}$/;
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
/** A column type as PostgreSQL spells it: words, digits, parentheses, commas, brackets. */
const TYPE = /^[a-z][a-z0-9_ ]*(\([0-9, ]+\))?(\[\])?$/i;

const patternList = () => Object.keys(PATTERNS).join(', ');

/** Prisma's migration folder timestamp: YYYYMMDDHHMMSS in UTC. */
function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function parseTimestamp(value: string): number {
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((at, i) => Number(value.slice(at, at + (i === 0 ? 4 : 2))));
  return Date.UTC(y!, mo! - 1, d, h, mi, s);
}

function checkIdentifier(flag: string, value: string | undefined): void {
  if (value !== undefined && !IDENTIFIER.test(value)) {
    throw new ScaffoldRequestError(
      `--${flag} "${value}" is not a snake_case PostgreSQL name (a-z, 0-9, _; at most 63 characters)`,
    );
  }
}

export function scaffoldMigration(request: ScaffoldRequest): ScaffoldResult {
  const pattern = request.pattern === undefined ? undefined : PATTERNS[request.pattern];
  if (!pattern) {
    throw new ScaffoldRequestError(request.pattern ? `Unknown pattern "${request.pattern}"` : 'No pattern given', {
      fix: `Patterns: ${patternList()}.`,
    });
  }
  const { name } = request;
  if (!name || !NAME.test(name)) {
    throw new ScaffoldRequestError(
      `Migration name "${name ?? ''}" must be snake_case: a-z first, then a-z, 0-9 or _ (e.g. posts_title_index)`,
    );
  }
  const args = request.args as PatternArgs;
  if (!args.table) throw new ScaffoldRequestError(`${request.pattern} needs --table <table>`);
  for (const option of pattern.requires) {
    const value = args[option];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) {
      throw new ScaffoldRequestError(`${request.pattern} needs --${option}`, { fix: `See ${pattern.playbook}.` });
    }
  }
  checkIdentifier('table', args.table);
  checkIdentifier('column', args.column);
  checkIdentifier('to', args.to);
  for (const column of args.columns ?? []) checkIdentifier('columns', column);
  if (args.backfill !== undefined && !/^[a-z0-9-]+$/.test(args.backfill)) {
    throw new ScaffoldRequestError(`--backfill "${args.backfill}" is not a backfill job name (a-z, 0-9, -)`);
  }
  if (args.type !== undefined && !TYPE.test(args.type)) {
    throw new ScaffoldRequestError(
      `--type "${args.type}" is not a column type this scaffold accepts (e.g. text, integer, varchar(200), timestamptz(3))`,
    );
  }
  if (args.default !== undefined && /;|--|\/\*/.test(args.default)) {
    throw new ScaffoldRequestError(
      `--default must be one SQL expression, without ';' or comments (e.g. "'UTC'", "0", "now()")`,
    );
  }
  if (args.to !== undefined && args.to === args.column)
    throw new ScaffoldRequestError('--to must differ from --column');
  if (!existsSync(request.migrationsDir)) {
    throw new ScaffoldRequestError(`${request.migrationsDir} does not exist`, {
      fix: 'Run from the project root, or create the first migration with npx prisma migrate dev.',
    });
  }

  const migrations = pattern.build(name, args);
  const existing = readdirSync(request.migrationsDir);
  // After now, and after the newest migration: a pattern that writes several folders dates them
  // a second apart, and a second scaffold in the same second must still sort after them.
  const newest = existing
    .filter((folder) => /^\d{14}_/.test(folder))
    .sort()
    .at(-1);
  const afterNewest = newest ? parseTimestamp(newest.slice(0, 14)) + 1000 : 0;
  const start = Math.max((request.now ?? new Date()).getTime(), afterNewest);
  const folders = migrations.map((migration, i) => `${timestamp(new Date(start + i * 1000))}_${migration.name}`);
  for (const migration of migrations) {
    const clash = existing.find((folder) => folder.replace(/^\d+_/, '') === migration.name);
    if (clash)
      throw new ScaffoldRequestError(`A migration named ${migration.name} already exists (${clash})`, {
        fix: 'Choose another name.',
      });
  }
  migrations.forEach((migration, i) => {
    mkdirSync(join(request.migrationsDir, folders[i]!));
    writeFileSync(join(request.migrationsDir, folders[i]!, 'migration.sql'), migration.sql);
  });
  const files: string[] = [];
  const unlisted: string[] = [];
  if (request.pattern === 'not-null' && args.backfill) {
    // An existing job file is the team's: never overwrite it.
    const stub = join(request.backfillsDir, `${args.backfill}.ts`);
    if (!existsSync(stub)) {
      // A project that has no job yet may have no folder for them: the migrations above are
      // already written, so their job must not fail on it.
      mkdirSync(request.backfillsDir, { recursive: true });
      writeFileSync(
        stub,
        backfillJobStub({ job: args.backfill, table: args.table, column: args.column ?? '', migration: name }),
      );
      files.push(stub);
      if (!listBackfillJob(request.backfillsDir, stub)) unlisted.push(stub);
    }
  }
  const next = pattern.next(name, args);
  // index.ts in a shape the kit doesn't edit: the job is the team's to list.
  for (const stub of unlisted)
    next.unshift(`Add ${basename(stub)} to src/backfills/index.ts (its list wasn't in the shape the kit edits).`);
  return { folders, files, next, playbook: pattern.playbook };
}
