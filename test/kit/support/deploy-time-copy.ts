/**
 * A copy of the checkout on the demo project (test/kit/support/demo-project.ts), for tests that run
 * the kit's deploy-time commands the way a team does (its scripts and the Prisma CLI, in the
 * copy's folder), with helpers to add migrations to it. Databases for it: `cloneDemoDatabase()`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { withPgClient } from '#kit/db/pg-client.ts';
import { copyProject, type ProjectCopy } from './project-copy.ts';
import { scriptCommand } from '#kit/script-command.ts';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function deployTimeCopy(name: string) {
  const copy: ProjectCopy = copyProject(name, { demo: true });
  /** `prisma …` with the copy's CLI, or one of its scripts (`migrate-recover`, …). */
  function run(url: string, command: string, ...args: string[]): CommandResult {
    const [bin, binArgs] =
      command === 'prisma'
        ? [join(copy.dir, 'node_modules', '.bin', 'prisma'), args]
        : scriptCommand(command, args, copy.dir);
    const result = spawnSync(bin, binArgs, {
      cwd: copy.dir,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: url, KIT_QUIET_ENGINE_LINE: '1' }, // vitest.config.ts hides Prisma's update check
      timeout: 120_000,
    });
    return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
  }
  return {
    copy,
    run,
    addMigration(migration: string, sql: string): void {
      mkdirSync(join(copy.dir, 'prisma', 'migrations', migration), { recursive: true });
      writeFileSync(join(copy.dir, 'prisma', 'migrations', migration, 'migration.sql'), sql);
    },
    removeMigration: (migration: string) => spawnSync('rm', ['-rf', join(copy.dir, 'prisma', 'migrations', migration)]),
    deployed(url: string): void {
      const deploy = run(url, 'prisma', 'migrate', 'deploy');
      expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    },
  };
}

export const query = <T>(url: string, sql: string, params: unknown[] = []) =>
  withPgClient(url, async (client) => (await client.query(sql, params)).rows as T[]);
export const columnExists = async (url: string, table: string, column: string) =>
  (
    await query(url, `SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = $2`, [
      table,
      column,
    ])
  ).length === 1;
export const tableExists = async (url: string, table: string) =>
  (await query<{ present: boolean }>(url, `SELECT to_regclass($1) IS NOT NULL AS present`, [table]))[0]!.present;
