/**
 * How a migration file reaches PostgreSQL through the wasm stand-in, case by case, checked
 * against what Prisma 7.10.1's native engine does (docs/migrations/how-prisma-runs-a-migration.md):
 * split when every statement parses, else whole as one transaction; one connection for the whole
 * command; PostgreSQL's error reported as P3018; a failure inside the file's own BEGIN hidden
 * behind 25P02, as natively. The real Prisma CLI runs each case in a scratch project of its own.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { withDatabase } from '#kit/db/connection-url.ts';
import { withPgClient } from '#kit/db/pg-client.ts';
import type { PrismaRun } from '#kit/prisma-cli.ts';
import { TEST_DATABASE_PREFIX } from '../setup/test-server.ts';
import { createScratchProject, type ScratchProject } from '../support/scratch-project.ts';

const server = inject('testServerUrl');
let cases = 0;
const projects: ScratchProject[] = [];
const output = (run: PrismaRun) => run.stdout + run.stderr;
const query = <T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> =>
  withPgClient(url, async (client) => (await client.query<T>(sql, params)).rows);
const tableExists = async (url: string, table: string) =>
  (await query(url, `SELECT to_regclass($1) IS NOT NULL AS present`, [table]))[0]?.present;

/**
 * Deploys a base migration plus the case's migrations (folder name → SQL, in order) into a new
 * database (Prisma creates it), from a scratch project of the case's own, so cases share nothing.
 * `logs` is what `_prisma_migrations` recorded for the last one.
 */
async function deployCase(
  migrations: Record<string, string>,
): Promise<{ project: ScratchProject; url: string; deploy: string; code: number; logs: string | null }> {
  cases += 1;
  const project = createScratchProject(`native-execution-${cases}`);
  projects.push(project);
  project.addMigration(
    '20260101000000_account',
    'CREATE TABLE "Account" (id serial PRIMARY KEY, email text NOT NULL);\n',
  );
  for (const [name, sql] of Object.entries(migrations)) project.addMigration(name, sql);
  const url = withDatabase(server, `${TEST_DATABASE_PREFIX}native_execution_${process.pid}_${cases}`);
  const deploy = await project.prisma(url, 'migrate', 'deploy');
  const [record] = await query<{ logs: string | null }>(
    url,
    `SELECT logs FROM _prisma_migrations WHERE migration_name = $1`,
    [Object.keys(migrations).at(-1)],
  );
  return { project, url, deploy: output(deploy), code: deploy.code, logs: record?.logs ?? null };
}

// Each case is one `prisma migrate deploy` (seconds of CPU); run concurrently, the file takes as
// long as its slowest case, not the sum of them.
describe.concurrent('migration files through the stand-in, as the native engine runs them', () => {
  afterAll(() => {
    for (const project of projects) project.remove();
  });

  it("a split file that fails half-way: P3018 with PostgreSQL's error, and the statements before it stay", async () => {
    const { url, code, deploy, logs } = await deployCase({
      '29990102000000_split_broken': 'CREATE TABLE split_probe (id int);\nSELECT 1/0;\n',
    });
    expect(code).not.toBe(0);
    expect(deploy).toMatch(/P3018[\s\S]*division by zero/);
    expect(logs).toContain('division by zero');
    expect(await tableExists(url, 'split_probe')).toBe(true);
  });

  it("a statement naming a missing column: P3018 with its migration, 42703 and PostgreSQL's own words, no engine trace", async () => {
    const { code, deploy } = await deployCase({ '29990102000007_typo': 'UPDATE "Account" SET editd = 1;\n' });
    expect(code).not.toBe(0);
    expect(deploy).toMatch(
      /Migration name: 29990102000007_typo\s+Database error code: 42703\s+Database error:\s+ERROR: column "editd" of relation "Account" does not exist/,
    );
    expect(deploy).not.toMatch(/Error accessing result set|external connector error|schema_engine_wasm/);
  });

  it('a file sent whole (a DO block does not parse) is one transaction: it fails as a unit', async () => {
    const { url, code, deploy } = await deployCase({
      '29990102000001_whole_broken': 'CREATE TABLE whole_probe (id int);\nDO $$ BEGIN PERFORM 1/0; END $$;\n',
    });
    expect(code).not.toBe(0);
    expect(deploy).toMatch(/P3018[\s\S]*division by zero/);
    expect(await tableExists(url, 'whole_probe')).toBe(false);
  });

  it('the old index migration (SET + DO guard + CREATE INDEX CONCURRENTLY) fails with 25001, as natively', async () => {
    const { code, deploy } = await deployCase({
      '29990102000002_old_index_shape': `SET lock_timeout = '5s';
DO $$ BEGIN IF false THEN DROP INDEX "Account_email_lower_idx"; END IF; END $$;
CREATE INDEX CONCURRENTLY IF NOT EXISTS "Account_email_lower_idx" ON "Account" (lower(email));
RESET lock_timeout;
`,
    });
    expect(code).not.toBe(0);
    expect(deploy).toMatch(/25001[\s\S]*CREATE INDEX CONCURRENTLY cannot run inside a transaction block/);
  });

  it('a failure inside BEGIN … COMMIT of a split file: nothing stays, and the engine cannot record why (25P02)', async () => {
    const { url, code, deploy, logs } = await deployCase({
      '29990102000003_begin_broken': 'BEGIN;\nCREATE TABLE atom_probe (id int);\nSELECT 1/0;\nCOMMIT;\n',
    });
    expect(code).not.toBe(0);
    // The native engine records the failure on the same connection, which is in the aborted
    // transaction: its own query fails, so neither the output nor the log has the real cause.
    expect(deploy).toContain('current transaction is aborted');
    expect(deploy).not.toContain('division by zero');
    expect(logs).toBeNull();
    expect(await tableExists(url, 'atom_probe')).toBe(false);
  });

  it('one connection for the whole deploy: a SET in one migration holds in the next', async () => {
    const { url, code, deploy } = await deployCase({
      '29990102000004_set_name': "SET application_name = 'kit_conformance_probe';\n",
      '29990102000005_read_name': "CREATE TABLE setting_probe AS SELECT current_setting('application_name') AS name;\n",
    });
    expect(code, deploy).toBe(0);
    expect(await query(url, 'SELECT name FROM setting_probe')).toEqual([{ name: 'kit_conformance_probe' }]);
  });

  it('db execute sends the script as one query: CONCURRENTLY beside another statement is refused', async () => {
    const { project, url } = await deployCase({ '29990102000006_nothing': 'SELECT 1;\n' });
    const file = join(project.dir, 'concurrently.sql');
    writeFileSync(
      file,
      `SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY "Account_email_idx" ON "Account" (email);\n`,
    );
    const run = await project.prisma(url, 'db', 'execute', '--file', file);
    expect(run.code).not.toBe(0);
    expect(output(run)).toContain('cannot run inside a transaction block');
  });
});
