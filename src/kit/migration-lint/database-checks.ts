/**
 * The linter's checks that need a database: schema drift between schema.prisma and the
 * migrations (`prisma migrate diff … --exit-code`, the same command CI runs), and applied
 * migrations whose file no longer matches the checksum Migrate recorded.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LintError } from './lint-error.ts';
import { databaseName } from '../db/connection-url.ts';
import { withPgClient } from '../db/pg-client.ts';
import { prismaFailureLine, runPrisma } from '../prisma-cli.ts';
import type { KitSettings } from '../settings.ts';
import type { Finding } from './finding.ts';
import { sha256Hex } from '../sha256.ts';

type Paths = Pick<KitSettings, 'root' | 'migrations' | 'schema'>;

export async function schemaDrift(url: string, { root, migrations, schema }: Paths): Promise<Finding[]> {
  const diff = await runPrisma(
    ['migrate', 'diff', '--from-migrations', migrations, '--to-schema', schema, '--exit-code'],
    { cwd: root, url, env: { KIT_QUIET_ENGINE_LINE: '1' } },
  );
  if (diff.code === 0) return [];
  const output = diff.stdout + diff.stderr;
  const broken = /Migration `([^`]+)` failed to apply cleanly to the shadow database/.exec(output)?.[1];
  if (broken) {
    // The history can't be replayed: say which migration and PostgreSQL's reason, and let the
    // SQL findings (which may explain it) print as well.
    const reason = /ERROR: .*/.exec(output)?.[0] ?? prismaFailureLine(diff);
    return [
      {
        file: relative(root, join(migrations, broken, 'migration.sql')),
        line: 1,
        rule: 'history-does-not-replay',
        message: `replaying the migrations into a shadow database fails here: ${reason}`,
      },
    ];
  }
  if (diff.code !== 2) {
    const failure = prismaFailureLine(diff);
    const skip = failure.startsWith('P3014')
      ? ', or lint without the database checks: npm run migrate:lint -- --no-database'
      : '';
    throw new LintError(`the drift check (prisma migrate diff) failed: ${failure}${skip}`);
  }
  const changes = diff.stdout
    .split('\n')
    .filter((line) => /^\s*\[[+\-*]\]/.test(line))
    .map((line) => line.trim());
  return [
    {
      file: relative(root, schema),
      line: 1,
      rule: 'schema-drift',
      message: `schema.prisma differs from what the migrations build${changes.length ? `: ${changes.slice(0, 5).join('; ')}` : ''}`,
    },
  ];
}

/** Prisma's checksum of a migration file: SHA-256 of its bytes, hex. */
export const migrationChecksum = (sql: Buffer | string) => sha256Hex(sql);

export async function editedAfterApplied(
  url: string,
  folders: string[],
  { root, migrations }: Omit<Paths, 'schema'>,
): Promise<Finding[]> {
  const applied = await withPgClient(url, async (client) => {
    const exists = await client.query(`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present`);
    if (!exists.rows[0].present) return [];
    const result = await client.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    return result.rows;
  });
  const findings: Finding[] = [];
  for (const { migration_name: name, checksum } of applied) {
    if (!folders.includes(name)) continue;
    const path = join(migrations, name, 'migration.sql');
    if (migrationChecksum(readFileSync(path)) !== checksum) {
      findings.push({
        file: relative(root, path),
        line: 1,
        rule: 'applied-migration-edited',
        message: `applied to database "${databaseName(url)}" with a different checksum: the file was edited after it ran`,
      });
    }
  }
  return findings;
}
