/**
 * Before a deploy: who would the pending migrations queue behind? A statement that takes a lock
 * writers wait on (an ALTER, a plain index build, a foreign key) waits for every transaction that
 * holds a lock on its table, and while it waits, every reader and writer of the table queues
 * behind it: one session left idle in a transaction takes the app down through a migration that
 * would have taken milliseconds. The kit's `lock_timeout` bounds that wait (and migrate:deploy
 * retries it); this looks first: sessions whose transaction is older than a threshold and that
 * hold a lock on a table a pending statement locks (for CONCURRENTLY, any old transaction: the
 * build waits for every snapshot older than itself). It waits a bounded time for them to end,
 * then stops, naming each session and how to end it; it ends none itself. Sessions of other roles
 * whose transactions this role may not see are counted and said, not waited for.
 */
import { DeployError } from './deploy-error.ts';
import type pg from 'pg';
import { withPgClient } from '../db/pg-client.ts';
import { type CatalogFacts, readCatalogFacts } from '../sql/catalog-facts.ts';
import { loadSqlParsers, type SqlParsers } from '../sql/parse-statements.ts';
import { quoteQualifiedName } from '../sql/quote-identifier.ts';
import { runsConcurrently } from '../sql/statement-shapes.ts';
import { statementEffects } from '../sql/statement-effects.ts';
import { migrationSql } from './migration-folders.ts';
import { readMigrationHistory } from './migration-history.ts';

export interface PreflightSettings {
  /** A transaction at least this old counts as long. */
  olderThanMs: number;
  /** How long to wait for such sessions to end before stopping. */
  waitMs: number;
}

interface Blocker {
  pid: number;
  user: string;
  application: string;
  state: string;
  seconds: number;
  query: string;
  table: string | null;
}

/** What the pending migrations lock that makes others wait: their tables, and whether one runs CONCURRENTLY. */
function pendingLocks(
  parsers: SqlParsers,
  names: string[],
  migrationsDir: string,
  catalog: CatalogFacts,
): { tables: string[]; concurrently: boolean } {
  const statements = names.flatMap((name) => parsers.parseStatements(migrationSql(name, migrationsDir)));
  const tables = statements.flatMap((statement) =>
    statementEffects(statement, catalog)
      .filter((effect) => effect.work !== 'new table' && effect.lock !== 'ROW EXCLUSIVE')
      .map((effect) => effect.table),
  );
  return { tables: [...new Set(tables)], concurrently: statements.some(runsConcurrently) };
}

async function findBlockers(client: pg.Client, oids: string[], concurrently: boolean, olderThanMs: number) {
  const { rows } = await client.query<Blocker>(
    `SELECT a.pid, coalesce(a.usename, '') AS user, coalesce(a.application_name, '') AS application, a.state,
            round(extract(epoch FROM now() - a.xact_start))::int AS seconds,
            left(regexp_replace(coalesce(a.query, ''), '\\s+', ' ', 'g'), 80) AS query,
            (SELECT min(l.relation::regclass::text) FROM pg_locks l WHERE l.pid = a.pid AND l.relation = ANY($1::oid[])) AS table
       FROM pg_stat_activity a
      WHERE a.pid <> pg_backend_pid() AND a.backend_type = 'client backend' AND a.xact_start IS NOT NULL
        AND now() - a.xact_start >= make_interval(secs => $2::float8 / 1000)
        AND ($3 OR EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.relation = ANY($1::oid[])))
      ORDER BY a.xact_start`,
    [oids, olderThanMs, concurrently],
  );
  return rows;
}

/**
 * Sessions of other roles holding a lock on the tables, whose transactions this role can't see
 * (pg_stat_activity hides them without pg_read_all_stats, which a managed host's migrator seldom
 * has; pg_locks shows every lock to every role).
 */
async function unseenHolders(client: pg.Client, oids: string[]): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(DISTINCT l.pid)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.relation = ANY($1::oid[]) AND a.pid <> pg_backend_pid() AND a.state IS NULL`,
    [oids],
  );
  return rows[0]?.n ?? 0;
}

/** The OIDs of the tables that exist (a table a pending migration creates has none yet). */
async function regclasses(client: pg.Client, tables: string[]): Promise<string[]> {
  const { rows } = await client.query<{ oid: string | null }>(
    'SELECT to_regclass(name)::oid::text AS oid FROM unnest($1::text[]) AS name',
    [tables.map(quoteQualifiedName)],
  );
  return rows.flatMap((row) => (row.oid ? [row.oid] : []));
}

const describe = (blocker: Blocker) =>
  `pid ${blocker.pid} (${[blocker.user, blocker.application].filter(Boolean).join(', ')}): ${blocker.state} for ${blocker.seconds} s${blocker.table ? `, holding ${blocker.table}` : ''}: ${blocker.query || '(no query)'}`;

/**
 * Waits (up to `settings.waitMs`) until no long transaction holds what the pending migrations will
 * lock; throws a DeployError naming them when some still do. `log` shows what it waits for.
 */
export async function lockPreflight(
  url: string,
  migrationsDir: string,
  settings: PreflightSettings,
  log: (line: string) => void,
): Promise<void> {
  const { pending } = await readMigrationHistory(url, migrationsDir);
  if (pending.length === 0) return;
  const parsers = await loadSqlParsers();
  const deadline = Date.now() + settings.waitMs;
  // A database that doesn't exist yet (Migrate creates it) has no sessions to wait for.
  const onDatabase = (work: (client: pg.Client) => Promise<void>) =>
    withPgClient(url, work).catch((error: { code?: string }) => {
      if (error.code !== '3D000') throw error;
    });
  await onDatabase(async (client) => {
    const { tables, concurrently } = pendingLocks(parsers, pending, migrationsDir, await readCatalogFacts(client));
    if (tables.length === 0 && !concurrently) return;
    const oids = await regclasses(client, tables);
    const unseen = await unseenHolders(client, oids);
    if (unseen > 0)
      log(
        `preflight: ${unseen} session(s) of other roles hold locks on these tables, and this role can't see how old their transactions are (granting it pg_read_all_stats shows them); not waited for.`,
      );
    for (let waited = false; ; waited = true) {
      const blockers = await findBlockers(client, oids, concurrently, settings.olderThanMs);
      if (blockers.length === 0) {
        if (waited) log('preflight: they ended; deploying.');
        return;
      }
      if (!waited) {
        log(
          `preflight: ${blockers.length} session(s) in a transaction older than ${settings.olderThanMs / 1000} s would hold up the pending migrations (and every query queued behind them); waiting up to ${settings.waitMs / 1000} s:`,
        );
        for (const blocker of blockers) log(`  ${describe(blocker)}`);
      }
      if (Date.now() >= deadline) {
        const pids = blockers.map((blocker) => blocker.pid).join(', ');
        throw new DeployError(
          `${blockers.length} long transaction(s) still hold what the pending migrations lock (pid ${pids}); nothing was applied`,
          {
            fix: 'Let them finish and deploy again, or end a stuck one: SELECT pg_terminate_backend(<pid>) (a role may end only its own sessions unless it has pg_signal_backend).',
          },
        );
      }
      await new Promise((done) => setTimeout(done, 1_000));
    }
  });
}
