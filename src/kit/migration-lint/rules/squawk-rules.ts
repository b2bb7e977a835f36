/**
 * squawk's rules the kit takes as squawk finds them, with what each means for a running Prisma app
 * and the kit's recipe. Rules with exemptions have modules of their own (adding-required-field.ts
 * and the like); a squawk rule listed nowhere is printed with squawk's own help.
 */
import type { SquawkRule } from '../rule.ts';
import { DROP, INDEX, NOT_NULL, RENAME, RULES_OF_THE_FILE } from './playbooks.ts';

const squawk = (name: string, lock: string, fix: string): SquawkRule => ({ kind: 'squawk', name, lock, fix });

export const squawkRules: SquawkRule[] = [
  squawk(
    'require-concurrent-index-creation',
    'SHARE on the table for the whole index build: inserts, updates and deletes wait',
    `CREATE INDEX CONCURRENTLY IF NOT EXISTS in a migration of its own (${INDEX})`,
  ),
  squawk(
    'require-concurrent-index-deletion',
    'ACCESS EXCLUSIVE on the table while the index is dropped: reads and writes wait',
    `DROP INDEX CONCURRENTLY IF EXISTS in a migration of its own (${INDEX})`,
  ),
  squawk(
    'ban-concurrent-index-creation-in-transaction',
    'none: PostgreSQL refuses CONCURRENTLY inside a transaction block and the deploy fails',
    `move the CONCURRENTLY statement out of BEGIN/COMMIT into a file of its own (${RULES_OF_THE_FILE})`,
  ),
  squawk(
    'adding-field-with-default',
    'ACCESS EXCLUSIVE on the table while a volatile default rewrites every row',
    `add the column with a constant default (or none) and backfill in batches (${NOT_NULL})`,
  ),
  squawk(
    'adding-foreign-key-constraint',
    'SHARE ROW EXCLUSIVE on both tables while every row is checked: writes wait',
    `ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in a later migration (${NOT_NULL})`,
  ),
  squawk(
    'disallowed-unique-constraint',
    'ACCESS EXCLUSIVE on the table while the unique index is built',
    `CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT … USING INDEX (${INDEX})`,
  ),
  squawk(
    'adding-primary-key-constraint',
    'ACCESS EXCLUSIVE on the table while the primary key index is built',
    `CREATE UNIQUE INDEX CONCURRENTLY first, then ADD PRIMARY KEY USING INDEX (${INDEX})`,
  ),
  squawk(
    'renaming-column',
    'ACCESS EXCLUSIVE, brief; but every running copy of the app still uses the old name and fails',
    `rename by expand and contract (${RENAME})`,
  ),
  squawk(
    'renaming-table',
    'ACCESS EXCLUSIVE, brief; but every running copy of the app still uses the old name and fails',
    `rename by expand and contract (${RENAME})`,
  ),
  squawk(
    'ban-drop-column',
    'ACCESS EXCLUSIVE, brief; but a running app whose client still selects the column fails',
    `drop only after a release that no longer reads it, and say so in a lint-ignore reason (${DROP})`,
  ),
  squawk(
    'ban-drop-table',
    'ACCESS EXCLUSIVE, brief; but a running app that still queries the table fails',
    `drop only after a release that no longer uses it, and say so in a lint-ignore reason (${DROP})`,
  ),
  squawk(
    'adding-serial-primary-key-field',
    'ACCESS EXCLUSIVE on the table while the primary key index is built (and, for a column not yet NOT NULL, a full scan)',
    `CREATE UNIQUE INDEX CONCURRENTLY in a migration of its own, then ADD CONSTRAINT … PRIMARY KEY USING INDEX; make the columns NOT NULL first the phased way (${NOT_NULL})`,
  ),
  squawk(
    'require-concurrent-reindex',
    'ACCESS EXCLUSIVE on the index (SHARE on its table) for the whole rebuild: writes wait, and reads that use the index',
    `REINDEX … CONCURRENTLY alone in a migration of its own (${INDEX})`,
  ),
  squawk(
    'ban-drop-database',
    'none it waits for; every row of the database is gone, and nothing undoes it',
    `drop databases by hand, outside migrations, after a backup (${DROP})`,
  ),
  squawk(
    'ban-alter-domain-with-add-constraint',
    'every column of the domain is checked while the tables that use it are locked',
    'add the check NOT VALID and VALIDATE it in a later migration, or use a CHECK on the table the phased way',
  ),
  squawk(
    'ban-create-domain-with-constraint',
    "none now; but changing the domain's check later locks every table that uses it",
    `a CHECK constraint on the table, added NOT VALID and validated (${NOT_NULL})`,
  ),
  squawk(
    'ban-char-field',
    'none; char(n) pads with spaces and compares surprisingly',
    'text, with a CHECK on the length if it matters (squawk: ban-char-field)',
  ),
  squawk(
    'prefer-text-field',
    'none now; but lowering the limit later rewrites the table, and a limit is a rule a CHECK states better',
    'text, with a CHECK on the length if it matters (squawk: prefer-text-field)',
  ),
  squawk(
    'prefer-timestamp-tz',
    "none; a timestamp without time zone silently means the server's zone to every client",
    'DateTime in schema.prisma is timestamp(3) unless mapped: use @db.Timestamptz(3) (squawk: prefer-timestamp-tz)',
  ),
  squawk(
    'require-enum-value-ordering',
    'none (ADD VALUE outside a transaction is catalog-only); without BEFORE/AFTER the new value sorts last',
    'say where it sorts with BEFORE or AFTER, or silence with a reason when last is right (squawk: require-enum-value-ordering)',
  ),
  squawk(
    'ban-drop-not-null',
    'ACCESS EXCLUSIVE, brief; running code may rely on the column never being NULL',
    `relax constraints only after the code that relies on them is gone (${DROP})`,
  ),
  squawk(
    'ban-uncommitted-transaction',
    'whatever the statements after BEGIN took, held until the connection ends: readers and writers of those tables wait, and whether the changes commit is left to chance',
    `drop the BEGIN, or end it with COMMIT in the same file (${RULES_OF_THE_FILE})`,
  ),
];
