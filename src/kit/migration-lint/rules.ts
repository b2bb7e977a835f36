/**
 * What each finding means for a running app: the lock it takes and the playbook that gives the
 * safe recipe. Rules come from squawk (SQL-level) and from the kit (what only a Prisma project
 * needs); a finding's rule name is what `-- lint-ignore <rule>: <reason>` silences.
 */
export interface RuleInfo {
  lock: string;
  fix: string;
}

const INDEX = 'docs/migrations/index-without-blocking-writes.md';
const NOT_NULL = 'docs/migrations/phased-not-null-column.md';
const RENAME = 'docs/migrations/rename-expand-contract.md';
const DROP = 'docs/migrations/drop-last.md';
const RULES_OF_THE_FILE = 'docs/migrations/how-prisma-runs-a-migration.md';
const LINTER = 'docs/migrations/migration-linter.md';

export const RULES: Record<string, RuleInfo> = {
  // squawk rules
  'require-concurrent-index-creation': {
    lock: 'SHARE on the table for the whole index build: inserts, updates and deletes wait',
    fix: `CREATE INDEX CONCURRENTLY IF NOT EXISTS in a migration of its own (${INDEX})`,
  },
  'require-concurrent-index-deletion': {
    lock: 'ACCESS EXCLUSIVE on the table while the index is dropped: reads and writes wait',
    fix: `DROP INDEX CONCURRENTLY IF EXISTS in a migration of its own (${INDEX})`,
  },
  'ban-concurrent-index-creation-in-transaction': {
    lock: 'none: PostgreSQL refuses CONCURRENTLY inside a transaction block and the deploy fails',
    fix: `move the CONCURRENTLY statement out of BEGIN/COMMIT into a file of its own (${RULES_OF_THE_FILE})`,
  },
  'adding-required-field': {
    lock: 'ACCESS EXCLUSIVE on the table; on a table with rows the statement fails outright',
    fix: `add the column nullable with a default, backfill, then tighten (${NOT_NULL})`,
  },
  'adding-not-nullable-field': {
    lock: 'ACCESS EXCLUSIVE on the table for a full scan: reads and writes wait',
    fix: `CHECK (col IS NOT NULL) NOT VALID, VALIDATE in its own migration, then SET NOT NULL (${NOT_NULL})`,
  },
  'changing-column-type': {
    lock: 'ACCESS EXCLUSIVE on the table while it is rewritten: reads and writes wait',
    fix: `add a column of the new type, sync and backfill it, switch, drop the old one (${RENAME})`,
  },
  'adding-field-with-default': {
    lock: 'ACCESS EXCLUSIVE on the table while a volatile default rewrites every row',
    fix: `add the column with a constant default (or none) and backfill in batches (${NOT_NULL})`,
  },
  'adding-foreign-key-constraint': {
    lock: 'SHARE ROW EXCLUSIVE on both tables while every row is checked: writes wait',
    fix: `ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in a later migration (${NOT_NULL})`,
  },
  'constraint-missing-not-valid': {
    lock: 'ACCESS EXCLUSIVE on the table while every row is checked: reads and writes wait',
    fix: `ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in a later migration (${NOT_NULL})`,
  },
  'breaking-rename': {
    lock: 'brief; but the running release still uses the old name, and fails from the moment it changes',
    fix: `add the new name beside the old one, move the app over, retire the old one later (${RENAME})`,
  },
  'adding-serial-column': {
    lock: 'ACCESS EXCLUSIVE on the table while every row is rewritten with its nextval()',
    fix: `add a nullable bigint column, a sequence and its default, backfill in batches, then tighten (${NOT_NULL})`,
  },
  'prefer-jsonb': {
    lock: "none; but json values can't be compared: DISTINCT, GROUP BY, UNION and unique indexes on the column fail",
    fix: 'use jsonb (Prisma: Json maps to jsonb unless @db.Json says otherwise)',
  },
  'exclusion-constraint': {
    lock: "ACCESS EXCLUSIVE on the table while the constraint's index is built and every row checked: reads and writes wait",
    fix: 'PostgreSQL has no online way (EXCLUDE takes no NOT VALID and no USING INDEX): add it when the table is created or still small, or in a planned maintenance window, with a lint-ignore saying which',
  },
  'disallowed-unique-constraint': {
    lock: 'ACCESS EXCLUSIVE on the table while the unique index is built',
    fix: `CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT … USING INDEX (${INDEX})`,
  },
  'adding-primary-key-constraint': {
    lock: 'ACCESS EXCLUSIVE on the table while the primary key index is built',
    fix: `CREATE UNIQUE INDEX CONCURRENTLY first, then ADD PRIMARY KEY USING INDEX (${INDEX})`,
  },
  'renaming-column': {
    lock: 'ACCESS EXCLUSIVE, brief; but every running copy of the app still uses the old name and fails',
    fix: `rename by expand and contract (${RENAME})`,
  },
  'renaming-table': {
    lock: 'ACCESS EXCLUSIVE, brief; but every running copy of the app still uses the old name and fails',
    fix: `rename by expand and contract (${RENAME})`,
  },
  'ban-drop-column': {
    lock: 'ACCESS EXCLUSIVE, brief; but a running app whose client still selects the column fails',
    fix: `drop only after a release that no longer reads it, and say so in a lint-ignore reason (${DROP})`,
  },
  'ban-drop-table': {
    lock: 'ACCESS EXCLUSIVE, brief; but a running app that still queries the table fails',
    fix: `drop only after a release that no longer uses it, and say so in a lint-ignore reason (${DROP})`,
  },
  'adding-serial-primary-key-field': {
    lock: 'ACCESS EXCLUSIVE on the table while the primary key index is built (and, for a column not yet NOT NULL, a full scan)',
    fix: `CREATE UNIQUE INDEX CONCURRENTLY in a migration of its own, then ADD CONSTRAINT … PRIMARY KEY USING INDEX; make the columns NOT NULL first the phased way (${NOT_NULL})`,
  },
  'require-concurrent-reindex': {
    lock: 'ACCESS EXCLUSIVE on the index (SHARE on its table) for the whole rebuild: writes wait, and reads that use the index',
    fix: `REINDEX … CONCURRENTLY alone in a migration of its own (${INDEX})`,
  },
  'ban-drop-database': {
    lock: 'none it waits for; every row of the database is gone, and nothing undoes it',
    fix: `drop databases by hand, outside migrations, after a backup (${DROP})`,
  },
  'ban-alter-domain-with-add-constraint': {
    lock: 'every column of the domain is checked while the tables that use it are locked',
    fix: 'add the check NOT VALID and VALIDATE it in a later migration, or use a CHECK on the table the phased way',
  },
  'ban-create-domain-with-constraint': {
    lock: "none now; but changing the domain's check later locks every table that uses it",
    fix: `a CHECK constraint on the table, added NOT VALID and validated (${NOT_NULL})`,
  },
  'ban-char-field': {
    lock: 'none; char(n) pads with spaces and compares surprisingly',
    fix: 'text, with a CHECK on the length if it matters (squawk: ban-char-field)',
  },
  'prefer-text-field': {
    lock: 'none now; but lowering the limit later rewrites the table, and a limit is a rule a CHECK states better',
    fix: 'text, with a CHECK on the length if it matters (squawk: prefer-text-field)',
  },
  'prefer-timestamp-tz': {
    lock: "none; a timestamp without time zone silently means the server's zone to every client",
    fix: 'DateTime in schema.prisma is timestamp(3) unless mapped: use @db.Timestamptz(3) (squawk: prefer-timestamp-tz)',
  },
  'require-enum-value-ordering': {
    lock: 'none (ADD VALUE outside a transaction is catalog-only); without BEFORE/AFTER the new value sorts last',
    fix: 'say where it sorts with BEFORE or AFTER, or silence with a reason when last is right (squawk: require-enum-value-ordering)',
  },
  'ban-drop-not-null': {
    lock: 'ACCESS EXCLUSIVE, brief; running code may rely on the column never being NULL',
    fix: `relax constraints only after the code that relies on them is gone (${DROP})`,
  },
  'ban-uncommitted-transaction': {
    lock: 'whatever the statements after BEGIN took, held until the connection ends: readers and writers of those tables wait, and whether the changes commit is left to chance',
    fix: `drop the BEGIN, or end it with COMMIT in the same file (${RULES_OF_THE_FILE})`,
  },
  'require-lock-timeout': {
    lock: 'queues behind any long transaction, and every later reader and writer queues behind it',
    fix: `SET lock_timeout = '3s'; before the statement, RESET after (${RULES_OF_THE_FILE})`,
  },
  'require-statement-timeout': {
    lock: 'holds its lock for as long as it runs, with nothing to stop it',
    fix: `SET statement_timeout to what the statement needs, RESET after (${RULES_OF_THE_FILE})`,
  },
  'prefer-robust-stmts': {
    lock: 'none; a re-run after a partial failure fails on what already exists',
    fix: `IF [NOT] EXISTS, or a DO block that checks the catalog (${RULES_OF_THE_FILE})`,
  },
  // the kit's own rules
  'data-change-in-migration': {
    lock: 'row locks on every row it touches, held until the statement ends: writers to those rows wait, and a big table makes the deploy itself long',
    fix: 'write a backfill job in src/backfills/ and run it with `npm run backfill -- <job>` between the migrations (docs/backfills/running-a-backfill.md)',
  },
  'table-rewrite': {
    lock: 'ACCESS EXCLUSIVE for the whole rewrite: reads and writes wait',
    fix: 'leave space reclamation to autovacuum; if a table must shrink, use pg_repack outside a migration (docs/migrations/migration-linter.md)',
  },
  'refresh-without-concurrently': {
    lock: 'ACCESS EXCLUSIVE on the materialized view while it is recomputed: every reader of it waits',
    fix: 'REFRESH MATERIALIZED VIEW CONCURRENTLY (it needs a unique index on the view), in a migration of its own or from a scheduled job',
  },
  'explicit-lock': {
    lock: 'whatever mode it names, until the transaction ends; outside one (a split file) PostgreSQL refuses it and the deploy fails',
    fix: `drop it: each statement takes the lock it needs, and SET lock_timeout bounds the wait (${RULES_OF_THE_FILE})`,
  },
  'ban-truncate': {
    lock: 'ACCESS EXCLUSIVE, brief; but every row of a live table is gone, and the running app may still need them',
    fix: `delete in batches with a backfill-style job, or drop the table last once no code uses it (${DROP})`,
  },
  'concurrently-not-alone': {
    lock: 'SHARE UPDATE EXCLUSIVE for the whole build, and the deploy holds the migration lock meanwhile; other changes in the file fail or succeed apart from it',
    fix: `one CONCURRENTLY statement per file, with only SET/RESET beside it (${RULES_OF_THE_FILE})`,
  },
  'refused-in-one-transaction': {
    lock: "none; Prisma's native engine sends the file as one transaction and PostgreSQL refuses the statement (25001): the deploy fails",
    fix: `remove what the native engine cannot parse (a DO block, DROP INDEX CONCURRENTLY with company), or give this statement a migration of its own (${RULES_OF_THE_FILE})`,
  },
  'begin-in-split-file': {
    lock: 'none; but a failure inside hides its cause: the native engine cannot record it (25P02) and the deploy log shows no PostgreSQL error',
    fix: `drop BEGIN/COMMIT and make each statement safe on its own (IF [NOT] EXISTS, an order whose every step the running app survives), or make the step one statement (${RULES_OF_THE_FILE})`,
  },
  'applied-migration-edited': {
    lock: 'none; but `migrate deploy` and `migrate status` ignore the edit (Prisma 7.10.1), so databases that ran the old text keep it while fresh ones get the new, and `migrate dev` asks everyone who ran it to reset their database',
    fix: `restore the file and make the change in a new migration (${LINTER})`,
  },
  'history-does-not-replay': {
    lock: "none; but `migrate dev` and the drift check fail, and a fresh database (CI, a new laptop) can't be built",
    fix: `fix the migration if it never ran anywhere, else add one that repairs what it assumed (${RULES_OF_THE_FILE})`,
  },
  'schema-drift': {
    lock: 'none; schema.prisma and the migrations disagree, so the next `migrate dev` generates surprises',
    fix: `run \`npx prisma migrate dev --create-only\` and review the migration it writes (${LINTER})`,
  },
  'ignore-without-reason': {
    lock: 'none; a silenced finding needs a reason reviewers can check',
    fix: `write it as \`-- lint-ignore <rule>: <why this is safe here>\` (${LINTER})`,
  },
  'squawk-ignore-comment': {
    lock: 'none; `squawk-ignore` silences a rule without a reason',
    fix: `use \`-- lint-ignore <rule>: <why this is safe here>\` instead (${LINTER})`,
  },
};

export function ruleInfo(rule: string, squawkHelp?: string): RuleInfo {
  return RULES[rule] ?? { lock: 'see the squawk rule', fix: squawkHelp ?? `https://squawkhq.com/docs/${rule}` };
}
