/**
 * The SQL of each zero-downtime pattern, as `npm run migrate:new` writes it: header comment
 * (pattern, lock, what must ship first), timeouts, re-runnable statements. The kit's own
 * migrations were written from the same recipes; the playbooks in docs/migrations/ explain them.
 */
import { quoteIdentifier } from '../sql/quote-identifier.ts';

export interface PatternArgs {
  table: string;
  column?: string;
  columns?: string[];
  to?: string;
  type?: string;
  default?: string;
  unique?: boolean;
  backfill?: string;
}

/** One migration folder to write: its name suffix after the timestamp, and its SQL. */
export interface ScaffoldedMigration {
  name: string;
  sql: string;
}

export interface Pattern {
  summary: string;
  /** Options the pattern needs, besides --table. */
  requires: Array<keyof PatternArgs>;
  playbook: string;
  build(name: string, args: PatternArgs): ScaffoldedMigration[];
  /** What the person does next, one short line each. */
  next(name: string, args: PatternArgs): string[];
}

/** The guard rails every kit migration opens and closes with (also used by migrate:lint --fix). */
export const timeouts = (lock: string, statement: string) =>
  `SET lock_timeout = '${lock}';\nSET statement_timeout = '${statement}';\n`;
export const reset = 'RESET statement_timeout;\nRESET lock_timeout;\n';

export const header = (lines: string[]) => lines.map((line) => `-- ${line}\n`).join('');

/** The Prisma field for a snake_case column: `display_name` → `displayName @map("display_name")`. */
function prismaField(column: string): string {
  const field = column.replace(/_([a-z0-9])/g, (_, next: string) => next.toUpperCase());
  return field === column ? `\`${field}\`` : `\`${field}\` with @map("${column}")`;
}

const concurrentIndex: Pattern = {
  summary: 'CREATE INDEX CONCURRENTLY in a migration of its own (migrate:recover drops an INVALID leftover)',
  requires: ['columns'],
  playbook: 'docs/migrations/index-without-blocking-writes.md',
  build(name, { table, columns = [], unique }) {
    const index = `${table}_${columns.join('_')}_${unique ? 'key' : 'idx'}`;
    return [
      {
        name,
        sql:
          header([
            `Pattern: index without blocking writes (CREATE ${unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY), alone in its file.`,
            `Lock: SHARE UPDATE EXCLUSIVE on ${table} for the whole build: writes go on.`,
            `Ships before: nothing. schema.prisma must declare the same index (@@${unique ? 'unique' : 'index'}([…])) or Migrate sees drift.`,
          ]) +
          timeouts('5s', '1h') +
          `-- One build process, so the app keeps CPU for its writes (docs/migrations/index-without-blocking-writes.md).
SET max_parallel_maintenance_workers = 0;
-- No guard beside the build: a statement the native engine cannot parse (a DO block) would make it
-- send this file as one transaction, which CONCURRENTLY refuses. A failed build's INVALID
-- leftover is dropped by \`npm run migrate:recover\` before it retries.
CREATE ${unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY IF NOT EXISTS ${quoteIdentifier(index)} ON ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')});
RESET max_parallel_maintenance_workers;
` +
          reset,
      },
    ];
  },
  next: (_name, { columns = [], unique }) => [
    `Declare it in schema.prisma: @@${unique ? 'unique' : 'index'}([${columns.join(', ')}]) with the field names.`,
  ],
};

const addColumn: Pattern = {
  summary: 'a nullable column, with the default for new rows set before any backfill',
  requires: ['column', 'type'],
  playbook: 'docs/migrations/phased-not-null-column.md',
  build(name, { table, column = '', type = '', default: value }) {
    return [
      {
        name,
        sql:
          header([
            `Pattern: add a column without blocking writes: ${table}.${column}, nullable${value ? ', default set before any backfill' : ''}.`,
            `Lock: ACCESS EXCLUSIVE on ${table} for milliseconds (catalog only: no rewrite, no scan).`,
            'Ships before: nothing; code that does not know the column keeps working.',
            'Runs as: one statement at a time, each committing on its own; a re-run skips what exists.',
          ]) +
          timeouts('3s', '5s') +
          `ALTER TABLE ${quoteIdentifier(table)} ADD COLUMN IF NOT EXISTS ${quoteIdentifier(column)} ${type};
${value ? `ALTER TABLE ${quoteIdentifier(table)} ALTER COLUMN ${quoteIdentifier(column)} SET DEFAULT ${value};\n` : ''}` +
          reset,
      },
    ];
  },
  next: (_name, { column }) => [
    `Add the field to schema.prisma as optional (with @default if you gave --default): ${prismaField(column ?? '')}.`,
    'To make it NOT NULL later: a backfill job in src/backfills/, then `npm run migrate:new -- not-null …`.',
  ],
};

const notNull: Pattern = {
  summary: 'CHECK NOT VALID behind a guard, VALIDATE, then SET NOT NULL: three migrations',
  requires: ['column'],
  playbook: 'docs/migrations/phased-not-null-column.md',
  build(name, { table, column = '', backfill }) {
    const check = `${table}_${column}_not_null`;
    const fix = backfill ? `run \`npm run backfill -- ${backfill}\`` : 'backfill the NULL rows';
    return [
      {
        name: `${name}_check_not_valid`,
        sql:
          header([
            `Pattern: phased NOT NULL, step 1 of 3: CHECK (${column} IS NOT NULL) NOT VALID, behind a guard.`,
            `Lock: ACCESS EXCLUSIVE on ${table} for milliseconds (no scan); the guard's read blocks no writer.`,
            `Ships before: the column's default for new rows and a finished backfill. The guard refuses while NULLs remain.`,
          ]) +
          timeouts('3s', '10min') +
          `DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM ${quoteIdentifier(table)} WHERE ${quoteIdentifier(column)} IS NULL) THEN
    RAISE EXCEPTION '${table}.${column} still has NULL rows: ${fix}, then \`npx prisma migrate resolve --rolled-back <this migration>\` and deploy again';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = '${check}' AND conrelid = '${quoteIdentifier(table)}'::regclass) THEN
    ALTER TABLE ${quoteIdentifier(table)} ADD CONSTRAINT ${quoteIdentifier(check)} CHECK (${quoteIdentifier(column)} IS NOT NULL) NOT VALID;
  END IF;
END $$;
` +
          reset,
      },
      {
        name: `${name}_validate_check`,
        sql:
          header([
            'Pattern: phased NOT NULL, step 2 of 3: validate the CHECK against existing rows.',
            `Lock: SHARE UPDATE EXCLUSIVE on ${table} for a full scan; reads and writes go on.`,
            `Ships before: ${name}_check_not_valid. Re-running it is a no-op.`,
          ]) +
          timeouts('3s', '30min') +
          `ALTER TABLE ${quoteIdentifier(table)} VALIDATE CONSTRAINT ${quoteIdentifier(check)};\n` +
          reset,
      },
      {
        name: `${name}_set_not_null`,
        sql:
          header([
            'Pattern: phased NOT NULL, step 3 of 3: SET NOT NULL (no scan: the validated CHECK proves it), drop the CHECK.',
            `Lock: ACCESS EXCLUSIVE on ${table} for milliseconds.`,
            `Ships before: ${name}_validate_check; schema.prisma marks the field required.`,
          ]) +
          timeouts('3s', '5s') +
          `ALTER TABLE ${quoteIdentifier(table)} ALTER COLUMN ${quoteIdentifier(column)} SET NOT NULL;
ALTER TABLE ${quoteIdentifier(table)} DROP CONSTRAINT IF EXISTS ${quoteIdentifier(check)};
` +
          reset,
      },
    ];
  },
  next: (_name, { backfill }) => [
    ...(backfill
      ? [
          `Write the value in src/backfills/${backfill}.ts (its TODO); the job is listed in src/backfills/index.ts.`,
          `Run it before the migrations: npm run backfill -- ${backfill}. The first migration refuses while NULLs remain.`,
        ]
      : ['Backfill the NULL rows before these migrations run: the first one refuses while any remain.']),
    'Make the field required in schema.prisma (remove the `?`).',
  ],
};

const renameExpand: Pattern = {
  summary: 'the new column plus a trigger that keeps old and new in sync (the expand half)',
  requires: ['column', 'to', 'type'],
  playbook: 'docs/migrations/rename-expand-contract.md',
  build(name, { table, column = '', to = '', type = '' }) {
    const sync = `${table}_sync_${column}_${to}`;
    return [
      {
        name,
        sql:
          header([
            `Pattern: rename by expand and contract, expand: ${table}.${column} becomes ${table}.${to}.`,
            'A trigger keeps both columns equal on every write, from old and new releases alike.',
            `Lock: ACCESS EXCLUSIVE on ${table} for milliseconds (catalog only); SHARE ROW EXCLUSIVE briefly for the trigger.`,
            `Ships before: nothing. Next: a backfill job (${to} = ${column} WHERE ${to} IS NULL), switch the app, then rename-contract.`,
            'Runs as: one statement at a time; a row written before the trigger exists is left for the backfill.',
          ]) +
          timeouts('3s', '5s') +
          `ALTER TABLE ${quoteIdentifier(table)} ADD COLUMN IF NOT EXISTS ${quoteIdentifier(to)} ${type};

CREATE OR REPLACE FUNCTION ${quoteIdentifier(sync)}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- ${to} has no default while both exist, so NULL means the release that wrote the row doesn't
  -- know ${to}; ${column} may have one, which a release that knows only ${to} gets without asking.
  IF TG_OP = 'INSERT' THEN
    IF NEW.${quoteIdentifier(to)} IS NULL THEN
      NEW.${quoteIdentifier(to)} := NEW.${quoteIdentifier(column)};
    ELSE
      NEW.${quoteIdentifier(column)} := NEW.${quoteIdentifier(to)};
    END IF;
  ELSIF NEW.${quoteIdentifier(column)} IS DISTINCT FROM OLD.${quoteIdentifier(column)} AND NEW.${quoteIdentifier(to)} IS NOT DISTINCT FROM OLD.${quoteIdentifier(to)} THEN
    NEW.${quoteIdentifier(to)} := NEW.${quoteIdentifier(column)};
  ELSIF NEW.${quoteIdentifier(to)} IS DISTINCT FROM OLD.${quoteIdentifier(to)} AND NEW.${quoteIdentifier(column)} IS NOT DISTINCT FROM OLD.${quoteIdentifier(column)} THEN
    NEW.${quoteIdentifier(column)} := NEW.${quoteIdentifier(to)};
  END IF;
  RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER ${quoteIdentifier(sync)}
  BEFORE INSERT OR UPDATE OF ${quoteIdentifier(column)}, ${quoteIdentifier(to)} ON ${quoteIdentifier(table)}
  FOR EACH ROW EXECUTE FUNCTION ${quoteIdentifier(sync)}();
` +
          reset,
      },
    ];
  },
  next: (_name, { column, to }) => [
    `Add the new field to schema.prisma as optional: ${prismaField(to ?? '')}.`,
    `Then: a backfill job (${to} = ${column} where ${to} IS NULL), not-null if it must be required, mark the old field @ignore, and later rename-contract.`,
    `If ${column} is unique (or indexed), give ${to} the same with concurrent-index (--unique) before rename-contract: dropping ${column} drops its constraints and indexes.`,
  ],
};

const renameContract: Pattern = {
  summary: 'drop the sync trigger and the old column (the contract half); ships a release later',
  requires: ['column', 'to'],
  playbook: 'docs/migrations/rename-expand-contract.md',
  build(name, { table, column = '', to = '' }) {
    const sync = `${table}_sync_${column}_${to}`;
    return [
      {
        name,
        sql:
          header([
            `Pattern: rename by expand and contract, contract: drop the sync trigger and ${table}.${column}.`,
            `Lock: ACCESS EXCLUSIVE on ${table} for milliseconds.`,
            `Ships before: a release that neither reads nor writes ${column} (schema.prisma: @ignore) runs everywhere.`,
            'CASCADE drops the column and its sync trigger in one statement, so neither outlives the other;',
            `check first that nothing else depends on ${table}.${column} (a view would go too). Its UNIQUE,`,
            `CHECK and foreign-key constraints and its indexes go with it: give ${to} the ones it needs first`,
            `(a unique one: npm run migrate:new -- concurrent-index … --columns ${to} --unique).`,
          ]) +
          timeouts('3s', '5s') +
          `-- lint-ignore ban-drop-column: TODO say which release stopped using ${table}.${column}
ALTER TABLE ${quoteIdentifier(table)} DROP COLUMN IF EXISTS ${quoteIdentifier(column)} CASCADE;
DROP FUNCTION IF EXISTS ${quoteIdentifier(sync)}();
` +
          reset,
      },
    ];
  },
  next: (_name, { column }) => [`Remove ${column} from schema.prisma, and replace the TODO in the lint-ignore reason.`],
};

const drop: Pattern = {
  summary: 'drop a column (--column) or a whole table, after no running code uses it',
  requires: [],
  playbook: 'docs/migrations/drop-last.md',
  build(name, { table, column }) {
    const what = column ? `${table}.${column}` : `table ${table}`;
    const rule = column ? 'ban-drop-column' : 'ban-drop-table';
    const statement = column
      ? `ALTER TABLE ${quoteIdentifier(table)} DROP COLUMN IF EXISTS ${quoteIdentifier(column)};`
      : `DROP TABLE IF EXISTS ${quoteIdentifier(table)};`;
    return [
      {
        name,
        sql:
          header([
            `Pattern: drop last: ${what}.`,
            `Lock: ACCESS EXCLUSIVE on ${table} for milliseconds.`,
            `Ships before: a release that no longer uses ${what} (schema.prisma: ${column ? '@ignore' : '@@ignore'}) runs everywhere.`,
          ]) +
          timeouts('3s', '5s') +
          `-- lint-ignore ${rule}: TODO say which release stopped using ${what}\n${statement}\n` +
          reset,
      },
    ];
  },
  next: (_name, { column }) => [
    `Remove the ${column ? 'field' : 'model'} from schema.prisma, and replace the TODO in the lint-ignore reason.`,
  ],
};

export const PATTERNS: Record<string, Pattern> = {
  'concurrent-index': concurrentIndex,
  'add-column': addColumn,
  'not-null': notNull,
  'rename-expand': renameExpand,
  'rename-contract': renameContract,
  drop,
};
