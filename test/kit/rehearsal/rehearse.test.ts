/**
 * `npm run migrate:rehearse` on the demo history plus one migration as `prisma migrate dev
 * --create-only` writes it for a new index, a new relation (its foreign key) and a new required
 * field, on tables of 20,000 generated rows (`--max-rows 10000` makes that production size):
 * it fails on each of the three with what PostgreSQL did (the lock, the scan, the refusal) and
 * the writes' wait, and passes once `migrate:lint --fix` has rewritten the migration. On a clone
 * given as `--target` it runs what is pending there, on the clone's rows; the database
 * `DATABASE_URL` names is refused as a target. Sized from another database's statistics
 * (`--rows-from`), it fills to that database's counts and only reads it; a role without CREATEDB
 * gets one line; Ctrl-C leaves no scratch database behind. The runs of the real command are the CLI's; the others call the same library
 * in-process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { connectPgClient, withPgClient } from '#kit/db/pg-client.ts';
import { withDatabase } from '#kit/db/connection-url.ts';
import { dropDatabase } from '#kit/db/scratch-databases.ts';
import { readMigrationHistory } from '#kit/migrations/migration-history.ts';
import { applyFixes } from '#kit/migration-fix/apply-fixes.ts';
import { migrationFolders } from '#kit/migrations/migration-folders.ts';
import { projectRoot } from '#kit-test/support/checkout.ts';
import { rehearsalJson } from '#kit/rehearsal/format-rehearsal.ts';
import { rehearseMigrations } from '#kit/rehearsal/rehearse-migrations.ts';
import { scriptCommand } from '#kit/script-command.ts';
import { cloneDemoDatabase } from '../setup/test-database.ts';
import { demoMigrationsDir } from '../support/demo-project.ts';
import { fillPostsByOneAuthor } from '../support/plan-fixtures.ts';
import { createTestRole } from '../support/test-roles.ts';

const NAME = '29991231000000_reviewers_and_nicknames';
// As Prisma 7 generates it for `@@index([title])` on Post, `reviewer User? @relation(…)` on Post,
// and a required `nickname String` on User.
const GENERATED = `-- CreateIndex
CREATE INDEX "posts_title_idx" ON "posts"("title");

-- AlterTable
ALTER TABLE "posts" ADD COLUMN     "reviewer_id" BIGINT;

-- AddForeignKey
ALTER TABLE "posts" ADD CONSTRAINT "posts_reviewer_id_fkey" FOREIGN KEY ("reviewer_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "nickname" TEXT NOT NULL;
`;

let scratch: string;
let dir: string;
const server = () => inject('testServerUrl');

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'migrate-rehearse-'));
  dir = join(scratch, 'migrations');
  cpSync(demoMigrationsDir, dir, { recursive: true });
  mkdirSync(join(dir, NAME));
  writeFileSync(join(dir, NAME, 'migration.sql'), GENERATED);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Whether the rehearsal of process `pid` has a scratch database (other files rehearse meanwhile). */
const hasScratchDatabase = (pid: number | undefined) =>
  withPgClient(
    server(),
    async (client) =>
      (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [`kit_rehearse_${pid}`])).rowCount === 1,
  );

/** The real command on this file's migrations, against the test server unless `env` says otherwise. */
const rehearseCommand = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(...scriptCommand('migrate-rehearse', ['--migrations', dir, ...args], projectRoot), {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: server(), ...env },
  });

it('fails a generated migration on what PostgreSQL did: the lock, the scan, the refusal, and the writes it held up', async () => {
  const run = rehearseCommand(['--from', '2999', '--rows', '20000', '--max-rows', '10000'], {
    GITHUB_STEP_SUMMARY: join(scratch, 'summary.md'),
  });
  expect(run.status, run.stdout + run.stderr).toBe(1);
  // The same report goes to the GitHub job summary.
  expect(readFileSync(join(scratch, 'summary.md'), 'utf8')).toBe(`${run.stdout}`);
  expect(run.stdout).toContain('## Migration rehearsal: 1 migration(s) on a scratch database on');
  expect(run.stdout).toMatch(/Tables: (users 20,000 rows, posts 20,000 rows|posts 20,000 rows, users 20,000 rows)/);
  expect(run.stdout).toMatch(
    /\| 2 \| `CREATE INDEX "posts_title_idx" ON "posts"\("title"\)` \| posts: SHARE, scanned \|/,
  );
  expect(run.stdout).toMatch(
    /\*\*✗ blocks-writes, line 2:\*\* held SHARE on posts \(20,000 rows\) while it scanned it: writes waited up to [\d,]+ ms/,
  );
  expect(run.stdout).toMatch(
    /\*\*✗ blocks-writes, line 8:\*\* held SHARE ROW EXCLUSIVE on posts \(20,000 rows\) while it scanned it/,
  );
  expect(run.stdout).toMatch(
    /\*\*✗ failed, line 11:\*\* PostgreSQL refused it \(23502\): column "nickname" of relation "users" contains null values/,
  );
  // The kit's lock model predicted every lock PostgreSQL took.
  expect(run.stdout).not.toContain('model-missed');
  expect(run.stdout).toContain('✗ 3 problem(s).');
  // Progress goes to stderr, the report to stdout; the scratch database is gone.
  expect(run.stderr).toContain('applying the 14 migration(s) before the rehearsed ones…');
  // One query at a time on each connection (pg warns about a second one, and pg 9 refuses it).
  expect(run.stderr).not.toContain('DeprecationWarning');
  expect(await hasScratchDatabase(run.pid)).toBe(false);
});

it('on a clone given as --target: the migrations pending there, on its own rows, and the clone keeps them', async () => {
  const target = await cloneDemoDatabase();
  await fillPostsByOneAuthor(target, 20_000);
  const pending = (await readMigrationHistory(target, dir)).pending;
  expect(pending).toEqual([NAME]);
  const rehearsal = await rehearseMigrations({
    migrationsDir: dir,
    all: migrationFolders(dir),
    selected: pending,
    database: { kind: 'target', url: target },
    rowsFor: () => 1, // a clone is never filled
    maxRows: 10_000,
    readerHoldMs: 0,
    log: () => undefined,
  });
  expect(rehearsal.where).toBe(`--target ${new URL(target).host}${new URL(target).pathname}`);
  expect(rehearsal.tables).toEqual(
    expect.arrayContaining([{ table: 'posts', rows: expect.any(Number), generated: false }]),
  );
  expect(rehearsal.tables.find((table) => table.table === 'posts')!.rows).toBeGreaterThan(19_000);
  const kinds = rehearsal.migrations[0]!.statements.flatMap((statement) => statement.findings.map((f) => f.kind));
  // The index build scans the clone's 20,000 posts under SHARE; the required column is refused
  // (posts has rows, users one). The users table is under the limit: its lock is no finding.
  expect(kinds).toEqual(['blocks-writes', 'blocks-writes', 'failed']);
  // What ran stays on the clone: it is the clone's to throw away, not the rehearsal's.
  const index = await withPgClient(target, (client) => client.query(`SELECT to_regclass('posts_title_idx') AS i`));
  expect(index.rows[0].i).toBe('posts_title_idx');
  await dropDatabase(target);
});

it('names the lock queue: a statement that waited behind another transaction while writes queued behind it', async () => {
  const target = await cloneDemoDatabase();
  await fillPostsByOneAuthor(target, 2_000);
  // Another session reads posts in a transaction it keeps open, as a long report would; it
  // commits once the migration's backend has waited for its lock for 300 ms.
  const reader = await connectPgClient(target);
  await reader.query('BEGIN');
  await reader.query('SELECT count(*) FROM posts');
  const releaseWhenWaited = (async () => {
    const admin = await connectPgClient(target);
    try {
      for (let waited = 0; waited < 300; ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        // The migration's ADD COLUMN, waiting for ACCESS EXCLUSIVE (the app's writes wait on less).
        const { rows } = await admin.query(
          `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND mode = 'AccessExclusiveLock'`,
        );
        if (rows[0].n > 0) waited += 20;
      }
    } finally {
      await reader.query('COMMIT');
      await Promise.all([reader.end(), admin.end()]);
    }
  })();
  const rehearsal = await rehearseMigrations({
    migrationsDir: dir,
    all: migrationFolders(dir),
    selected: [NAME],
    database: { kind: 'target', url: target },
    rowsFor: () => 1,
    maxRows: 10_000,
    readerHoldMs: 0,
    log: () => undefined,
  });
  await releaseWhenWaited;
  const queued = rehearsal.migrations[0]!.statements.flatMap((statement) =>
    statement.findings.filter((finding) => finding.kind === 'lock-queue').map((finding) => ({ statement, finding })),
  );
  // The plain CREATE INDEX takes SHARE, which a reader doesn't block; ADD COLUMN waits.
  expect(queued.map(({ statement }) => statement.line)).toEqual([5]);
  expect(queued[0]!.finding.problem).toBe(false);
  expect(queued[0]!.statement.observed.lockWaitMs).toBeGreaterThanOrEqual(200);
  expect(queued[0]!.finding.message).toMatch(
    /^waited about [\d,]+ ms for ACCESS EXCLUSIVE on posts while another transaction held it, and writes queued behind it/,
  );
  await dropDatabase(target);
});

it('passes once migrate:lint --fix has rewritten it; the phased NOT NULL stops at its guard, as a deploy would', async () => {
  const [report] = await applyFixes(dir, [NAME], join(scratch, 'backfills'));
  expect(report!.refused).toEqual([]);
  const all = migrationFolders(dir);
  const rehearsal = await rehearseMigrations({
    migrationsDir: dir,
    all,
    selected: all.filter((name) => name.startsWith('2999')),
    database: { kind: 'scratch', serverUrl: server() },
    rowsFor: () => 20_000,
    maxRows: 10_000,
    readerHoldMs: 200,
    log: () => undefined,
  });
  const findings = rehearsal.migrations.flatMap((migration) =>
    migration.statements.flatMap((statement) => statement.findings),
  );
  expect(findings.filter((finding) => finding.problem)).toEqual([]);
  expect(rehearsal.problems).toBe(0);
  const observed = (migration: string, sql: RegExp) =>
    rehearsal.migrations
      .find((m) => m.name.endsWith(migration))
      ?.statements.find((statement) => sql.test(statement.sql))?.observed;
  // The build, sampled outside a transaction: SHARE UPDATE EXCLUSIVE, which writers don't wait on.
  const build = observed('_index_posts_title_idx', /CREATE INDEX CONCURRENTLY/);
  expect(build?.inTransaction).toBe(false);
  expect(build?.tables).toEqual([expect.objectContaining({ table: 'posts', taken: 'SHARE UPDATE EXCLUSIVE' })]);
  // The validation scans posts under SHARE UPDATE EXCLUSIVE; the NOT VALID constraint scanned nothing.
  expect(observed('_validate_posts_reviewer_id_fkey', /VALIDATE CONSTRAINT/)?.tables).toContainEqual(
    expect.objectContaining({ table: 'posts', taken: 'SHARE UPDATE EXCLUSIVE', seqScans: 1, rewritten: false }),
  );
  const notValid = rehearsal.migrations[0]!.statements.find((statement) => /FOREIGN KEY/.test(statement.sql));
  expect(notValid?.observed.tables).toContainEqual(
    expect.objectContaining({ table: 'posts', taken: 'SHARE ROW EXCLUSIVE', seqScans: 0 }),
  );
  expect(findings).toContainEqual(
    expect.objectContaining({ kind: 'stopped', message: expect.stringMatching(/users\.nickname still has NULL rows/) }),
  );
  expect(rehearsal.notRehearsed).toEqual([
    expect.stringMatching(/_nickname_validate_check$/),
    expect.stringMatching(/_nickname_set_not_null$/),
  ]);
  expect(rehearsal.writer.writes).toBeGreaterThan(0);
  expect(rehearsal.writer.failures).toEqual([]);
  // --json: the same rehearsal for a script, without the writer's per-write samples.
  const json = JSON.parse(rehearsalJson(rehearsal));
  expect(json.problems).toBe(0);
  expect(json.writer.samples).toBeUndefined();
  expect(json.migrations.map((migration: { name: string }) => migration.name)).toEqual(
    rehearsal.migrations.map((migration) => migration.name),
  );
});

it('refuses as --target the database DATABASE_URL points at, in one line, before anything runs', async () => {
  const database = await cloneDemoDatabase();
  const run = rehearseCommand(['--target', database], { DATABASE_URL: database });
  expect(run.status).toBe(1);
  expect(run.stderr.trim()).toBe(
    'error: --target is the database DATABASE_URL points at: a rehearsal writes to its target. Point it at a clone (a Neon or Supabase branch, an RDS clone, a restored backup).',
  );
  // A --from that names nothing pending there is refused the same way.
  const elsewhere = await cloneDemoDatabase();
  const from = rehearseCommand(['--target', elsewhere, '--from', '1999'], { DATABASE_URL: database });
  expect(from.status).toBe(1);
  expect(from.stderr.trim()).toMatch(
    /^error: --from 1999: no migration pending on --target starts with that name \(pending: 29991231000000_reviewers_and_nicknames/,
  );
  await dropDatabase(elsewhere);
  // Nothing ran: the generated migration is still pending there.
  expect((await readMigrationHistory(database, dir)).pending).toContain(NAME);
  await dropDatabase(database);
});

it("sizes a scratch rehearsal from another database's planner statistics (--rows-from), only reading it", async () => {
  const production = await cloneDemoDatabase();
  await fillPostsByOneAuthor(production, 3_000);
  const before = await readMigrationHistory(production, dir);
  const run = rehearseCommand(['--from', '2999', '--rows', '500', '--rows-from', production, '--max-rows', '1000000']);
  // Whether it passes depends on what the test before did to the migrations (--fix); the sizes
  // are what this one is about.
  expect(run.stderr).not.toMatch(/^error:/m);
  expect(run.stdout).toMatch(/Tables: [^\n]*posts 3,000 rows/);
  expect(run.stdout).toContain(
    `generated from the column types, as many as the planner statistics of ${new URL(production).host}${new URL(production).pathname} count)`,
  );
  // Read, never written: the pending migration is still pending there, the rows are as they were.
  expect((await readMigrationHistory(production, dir)).pending).toEqual(before.pending);
  expect(
    await withPgClient(
      production,
      async (client) => (await client.query('SELECT count(*)::int AS n FROM posts')).rows[0].n,
    ),
  ).toBe(3_000);

  const both = rehearseCommand(['--rows-from', production, '--target', production]);
  expect(both.status).toBe(1);
  expect(both.stderr.trim()).toBe(
    "error: --rows-from sizes a scratch rehearsal's tables, and --target rehearses on the clone's own rows. Use one of them.",
  );
  await dropDatabase(production);
});

it('refuses, in one line, a role that may not create the scratch database', async () => {
  const role = `kit_rehearse_nocreatedb_${process.pid}`;
  const password = 'no-createdb-password';
  await withPgClient(server(), (client) => createTestRole(client, role, `LOGIN NOCREATEDB PASSWORD '${password}'`));
  try {
    const url = new URL(withDatabase(server(), 'postgres'));
    url.username = role;
    url.password = password;
    const run = rehearseCommand(['--from', '2999'], { DATABASE_URL: url.toString() });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n').at(-1)).toBe(
      'error: The role may not create the scratch database (it needs CREATEDB): grant it, or rehearse on a clone: --target <url>.',
    );
    expect(run.stderr).not.toContain(password);
    expect(await hasScratchDatabase(run.pid)).toBe(false);
  } finally {
    await withPgClient(server(), (client) => client.query(`DROP ROLE ${client.escapeIdentifier(role)}`));
  }
});

it('on Ctrl-C, drops its scratch database and says so', async () => {
  const child = spawn(
    ...scriptCommand('migrate-rehearse', ['--migrations', dir, '--from', '2999', '--rows', '300000'], projectRoot),
    { cwd: projectRoot, env: { ...process.env, DATABASE_URL: server() } },
  );
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  await new Promise<void>((resolve) =>
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // The scratch database exists once the migrations before the rehearsed ones are applied to it.
      if (stderr.includes('before the rehearsed ones')) resolve();
    }),
  );
  expect(await hasScratchDatabase(child.pid)).toBe(true);
  child.kill('SIGINT');
  expect(await exited).toBe(130);
  expect(stderr.trim().split('\n').at(-1)).toMatch(
    /^SIGINT: stopped the rehearsal; dropped its scratch database kit_rehearse_\d+\.$/,
  );
  expect(await hasScratchDatabase(child.pid)).toBe(false);
});
