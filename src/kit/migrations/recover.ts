/**
 * `npm run migrate:recover`: what to do when `prisma migrate deploy` stopped at a failed
 * migration. It explains the state and performs the path a person picks
 * (docs/migrations/rollback-and-recovery.md):
 * - retry: a transient failure (lock or statement timeout, lost connection) of a migration
 *   that left nothing behind: mark it rolled back and deploy again;
 * - rolled-back: the migration was fixed (or a new one replaces it) and any partial effect undone;
 * - applied: someone finished its work by hand.
 */
import { DeployError } from './deploy-error.ts';
import { scrubSecret } from '../db/connection-url.ts';
import { withPgClient } from '../db/pg-client.ts';
import { prismaFailureLine, runPrisma } from '../prisma-cli.ts';
import {
  alterCommands,
  loadSqlParsers,
  type Node,
  type ParsedStatement,
  relationName,
  type SqlParsers,
} from '../sql/parse-statements.ts';
import { opensTransaction } from '../sql/statement-shapes.ts';
import type { KitSettings } from '../settings.ts';
import { migrationSql } from './migration-folders.ts';
import { readMigrationHistory, type MigrationRecord } from './migration-history.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';

export type RecoveryAction = 'retry' | 'rolled-back' | 'applied';

/** What a failed file left behind, given how the native engine ran it. */
export function leftBehind(parsers: SqlParsers, sql: string): string {
  if (!sql) return 'unknown: the migration folder is gone';
  const plan = parsers.planScript(sql);
  if (plan.mode === 'whole') {
    return `nothing: the engine sent the file as one transaction (line ${plan.because.line} does not parse as separate statements), which PostgreSQL rolled back`;
  }
  const work = parsers.parseStatements(sql).filter((statement) => statement.kind !== 'VariableSetStmt');
  const last = work.at(-1);
  if (
    work[0] &&
    opensTransaction(work[0]) &&
    last?.kind === 'TransactionStmt' &&
    last.body.kind === 'TRANS_STMT_COMMIT'
  ) {
    return 'nothing: it runs in one BEGIN … COMMIT, which PostgreSQL rolled back';
  }
  return 'possibly part of it: its statements commit one by one, so check which ran before the failing one';
}

/** Something a statement creates, to look for after the file failed half-way. */
interface Created {
  line: number;
  what: string;
  kind: 'relation' | 'type' | 'column';
  schema: string | null;
  name: string;
  column?: string;
}

function createdBy(statement: ParsedStatement): Created[] {
  const { body, kind, line } = statement;
  const relation = (node: Node | undefined) => ({ schema: node?.schemaname ?? null, name: node?.relname as string });
  if (kind === 'CreateStmt' || kind === 'CreateSeqStmt' || kind === 'ViewStmt') {
    const target = relation(kind === 'ViewStmt' ? body.view : (body.relation ?? body.sequence));
    return [
      {
        line,
        what: `${kind === 'CreateStmt' ? 'table' : kind === 'ViewStmt' ? 'view' : 'sequence'} ${target.name}`,
        kind: 'relation',
        ...target,
      },
    ];
  }
  if (kind === 'IndexStmt' && body.idxname)
    return [
      {
        line,
        what: `index ${body.idxname}`,
        kind: 'relation',
        schema: body.relation?.schemaname ?? null,
        name: body.idxname,
      },
    ];
  if (kind === 'CreateEnumStmt') {
    const names = (body.typeName as Node[]).map((part) => part.String?.sval as string);
    return [
      {
        line,
        what: `type ${names.at(-1)}`,
        kind: 'type',
        schema: names.length > 1 ? names[0]! : null,
        name: names.at(-1)!,
      },
    ];
  }
  return alterCommands(statement)
    .filter((cmd) => cmd.subtype === 'AT_AddColumn' && cmd.def?.ColumnDef?.colname)
    .map((cmd) => ({
      line,
      what: `column ${relationName(body.relation)}.${cmd.def.ColumnDef.colname}`,
      kind: 'column' as const,
      ...relation(body.relation),
      column: cmd.def.ColumnDef.colname as string,
    }));
}

/**
 * What a split file that failed half-way created and is in the database now: its statements
 * before the failing one each committed. Marked rolled back, the file runs again from its first
 * line on the next deploy, and meets these (unless each statement is re-runnable).
 */
export async function createdAndStillThere(url: string, sql: string): Promise<string[]> {
  const parsers = await loadSqlParsers();
  if (!sql || parsers.planScript(sql).mode === 'whole') return [];
  const created = parsers.parseStatements(sql).flatMap(createdBy);
  if (created.length === 0) return [];
  return withPgClient(url, async (client) => {
    const found: string[] = [];
    for (const object of created) {
      const visible = `($2::text IS NULL AND pg_catalog.pg_table_is_visible(c.oid) OR n.nspname = $2)`;
      const exists =
        object.kind === 'type'
          ? `SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = $1 AND ($2::text IS NULL AND pg_catalog.pg_type_is_visible(t.oid) OR n.nspname = $2)`
          : object.kind === 'column'
            ? `SELECT 1 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = $1 AND ${visible} AND a.attname = $3 AND NOT a.attisdropped`
            : `SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = $1 AND ${visible}`;
      const params =
        object.kind === 'column' ? [object.name, object.schema, object.column] : [object.name, object.schema];
      if (((await client.query(exists, params)).rowCount ?? 0) > 0) found.push(`line ${object.line}: ${object.what}`);
    }
    return found;
  });
}

/** Index names the file builds with CREATE [UNIQUE] INDEX CONCURRENTLY. */
const concurrentIndexNames = (parsers: SqlParsers, sql: string): string[] =>
  parsers
    .parseStatements(sql)
    .filter(({ kind, body }) => kind === 'IndexStmt' && body.concurrent && body.idxname)
    .map(({ body }) => body.idxname as string);

/** The INVALID indexes a failed CONCURRENTLY build of this file left behind. */
export async function invalidLeftovers(url: string, sql: string): Promise<string[]> {
  const names = concurrentIndexNames(await loadSqlParsers(), sql);
  if (names.length === 0) return [];
  return withPgClient(url, async (client) => {
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE NOT i.indisvalid AND c.relname = ANY($1) AND pg_table_is_visible(c.oid)`,
      [names],
    );
    return rows.map((row) => row.name);
  });
}

/**
 * Drops INVALID leftovers one statement at a time: DROP INDEX CONCURRENTLY takes no lock that
 * blocks writers, and PostgreSQL runs it only outside a transaction block, so never in a batch.
 */
export async function dropInvalidLeftovers(url: string, names: string[]): Promise<void> {
  await withPgClient(url, async (client) => {
    for (const name of names) {
      await client.query(`SET lock_timeout = '5s'`);
      await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${quoteIdentifier(name)}`);
    }
  });
}

export function failureLine(failed: MigrationRecord): string {
  if (!failed.logs) {
    // The native engine records the error with its next query on the same connection. After a
    // failure inside the file's own BEGIN, that connection is in an aborted transaction, so the
    // record fails too (25P02) and the log stays empty.
    return "not recorded: the failing statement ran inside the migration's own BEGIN, so the engine could not write the error down (25P02). Run the file against a copy of the database to see it.";
  }
  // Migrate's log holds a wrapper message, PostgreSQL's own error line and a trace; show the middle one.
  const logLines = failed.logs
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return (
    logLines.find((line) => /\bERROR:/.test(line)) ??
    logLines.find((line) => /error|timeout/i.test(line)) ??
    logLines[0]!
  ).replace(/^Error querying the database:\s*/, '');
}

/** The failed migration's SQL; empty when its folder is gone (the explanation still stands). */
export function sqlOf(name: string, migrationsDir: string): string {
  try {
    return migrationSql(name, migrationsDir);
  } catch {
    return '';
  }
}

async function explainFailure(failed: MigrationRecord, url: string, migrationsDir: string): Promise<string[]> {
  const sql = sqlOf(failed.name, migrationsDir);
  const leftovers = await invalidLeftovers(url, sql);
  const stillThere = await createdAndStillThere(url, sql);
  return [
    `failed migration: ${failed.name} (started ${failed.startedAt.toISOString()})`,
    `error: ${scrubSecret(failureLine(failed).slice(0, 300), url)}`,
    `left behind: ${leftBehind(await loadSqlParsers(), sql)}`,
    ...(stillThere.length > 0 ? [`  in the database now, from this file: ${stillThere.join('; ')}`] : []),
    ...(leftovers.length > 0
      ? [`INVALID index left by the failed build: ${leftovers.join(', ')} (--retry and --rolled-back drop it first)`]
      : []),
    'choose one:',
    '  a timeout or lost connection, and nothing left behind  → npm run migrate:recover -- --retry',
    '  a bug: fix the migration (or add a new one), undo any partial effect → npm run migrate:recover -- --rolled-back, then deploy',
    '  you finished its work by hand                          → npm run migrate:recover -- --applied',
  ];
}

export async function recover(
  url: string,
  action: RecoveryAction | undefined,
  project: Pick<KitSettings, 'root' | 'migrations'>,
): Promise<{ lines: string[]; needsAttention: boolean }> {
  const migrationsDir = project.migrations;
  const history = await readMigrationHistory(url, migrationsDir);
  const failed = history.failed[0];
  if (!failed) {
    return {
      lines: [
        `No failed migration: ${history.applied.length} applied, ${history.pending.length} pending. Nothing to recover.`,
      ],
      needsAttention: false,
    };
  }
  if (!action) return { lines: await explainFailure(failed, url, migrationsDir), needsAttention: true };

  const lines: string[] = [];
  if (action !== 'applied') {
    const leftovers = await invalidLeftovers(url, sqlOf(failed.name, migrationsDir));
    await dropInvalidLeftovers(url, leftovers);
    lines.push(...leftovers.map((name) => `dropped the INVALID index ${name} (DROP INDEX CONCURRENTLY).`));
  }

  const env = { KIT_QUIET_ENGINE_LINE: '1' };
  const resolve = await runPrisma(
    ['migrate', 'resolve', action === 'applied' ? '--applied' : '--rolled-back', failed.name],
    { cwd: project.root, url, env },
  );
  if (resolve.code !== 0) throw new DeployError(`prisma migrate resolve failed: ${prismaFailureLine(resolve)}`);
  lines.push(`${failed.name} marked ${action === 'applied' ? 'applied' : 'rolled back'}.`);
  if (action === 'rolled-back') {
    const stillThere = await createdAndStillThere(url, sqlOf(failed.name, migrationsDir));
    if (stillThere.length > 0)
      lines.push(
        `still in the database from its first run: ${stillThere.join('; ')}. The next deploy runs the file from its first line: drop these (or make those statements re-runnable with IF NOT EXISTS) first, or it fails on them again.`,
      );
  }
  if (action !== 'retry') return { lines: [...lines, 'next: npx prisma migrate deploy'], needsAttention: false };

  const deploy = await runPrisma(['migrate', 'deploy'], { cwd: project.root, url, env, echo: true });
  if (deploy.code !== 0)
    throw new DeployError('the retried deploy failed again; run npm run migrate:recover to see why');
  return { lines: [...lines, 'deployed again.'], needsAttention: false };
}
