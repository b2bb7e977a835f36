/**
 * Turns a fresh clone of the kit into a team's project (`npm run kit -- init`): the demo's
 * migration history squashed into one baseline, the demo's backfill jobs removed, the package
 * renamed. The kit's version stays stamped in package.json ("kit"), for docs/managing-updates.md.
 *
 * The package name is the marker: while it is the kit's, the project is a fresh clone and every
 * migration in it is the demo's (the kit ships no other), so squashing them loses nothing a
 * database depends on. Once renamed, it does nothing, so it is safe to run twice.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KitError } from '../kit-error.ts';
import { migrationFolders } from '../migrations/migration-folders.ts';
import { prismaFailureLine, runPrisma } from '../prisma-cli.ts';

/** An init the kit refuses or can't finish: why, and what to do. */
export class InitError extends KitError {}

/** package.json's name while the project is still the kit itself. */
export const KIT_PACKAGE_NAME = 'prisma-postgres-starter';

/** The demo's jobs in src/backfills/, as the kit ships them. */
const DEMO_BACKFILL_JOBS = ['user-timezone', 'user-display-name', 'post-slug'];

const EMPTY_JOB_LIST = `/**
 * Every backfill job \`npm run backfill\` knows. Add a job: write its file, list it here (the job
 * files \`migrate:new\` and \`migrate:lint -- --fix\` write are listed for you).
 * docs/backfills/running-a-backfill.md
 */
import type { BackfillJob } from '#kit/backfill/job.ts';

export const backfillJobs: BackfillJob[] = [];
`;

export interface InitRequest {
  root: string;
  /** The team's package name; npm's rules (lowercase, no spaces). */
  name: string;
  /** Migration folder timestamp of the baseline (UTC, as Migrate writes them). */
  now?: Date;
  /** A server for the schema engine; `migrate diff` writes no table there. */
  databaseUrl: string;
}

/** What it did, one line per change, for a person to read. */
export async function initProject(request: InitRequest): Promise<string[]> {
  const packagePath = join(request.root, 'package.json');
  const pkg = JSON.parse(readFileSync(packagePath, 'utf8')) as { name: string; kit?: { version?: string } };
  if (pkg.name !== KIT_PACKAGE_NAME) {
    return [`nothing to do: already initialized (package.json name is ${pkg.name}, kit ${pkg.kit?.version ?? '?'})`];
  }
  if (!/^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/.test(request.name) || request.name.length > 214) {
    throw new InitError(`"${request.name}" is not a valid npm package name`, {
      fix: 'Use lowercase letters, digits, - . _ (e.g. --name billing-service).',
    });
  }

  // Everything that can fail comes first; files change only once the baseline is in hand.
  const migrationsDir = join(request.root, 'prisma', 'migrations');
  const demoMigrations = migrationFolders(migrationsDir);
  const baseline = await baselineSql(request.root, request.databaseUrl);
  const folder = `${migrationTimestamp(request.now ?? new Date())}_baseline`;

  const staged = join(request.root, '.data', 'tmp', `init-${folder}`);
  rmSync(staged, { recursive: true, force: true });
  mkdirSync(staged, { recursive: true });
  writeFileSync(join(staged, 'migration.sql'), baseline);
  for (const migration of demoMigrations) rmSync(join(migrationsDir, migration), { recursive: true });
  renameSync(staged, join(migrationsDir, folder));

  const backfillsDir = join(request.root, 'src', 'backfills');
  const removedJobs = DEMO_BACKFILL_JOBS.filter((job) => existsSync(join(backfillsDir, `${job}.ts`)));
  for (const job of removedJobs) rmSync(join(backfillsDir, `${job}.ts`));
  writeFileSync(join(backfillsDir, 'index.ts'), EMPTY_JOB_LIST);
  // The app code only the post-slug job used: left behind, it would be dead code (code:check's knip says so).
  const postSlug = join(request.root, 'src', 'posts', 'post-slug.ts');
  const removedPostSlug = removedJobs.includes('post-slug') && existsSync(postSlug);
  if (removedPostSlug) rmSync(postSlug);

  writeFileSync(packagePath, `${JSON.stringify({ ...pkg, name: request.name }, null, 2)}\n`);

  return [
    `package.json: name ${KIT_PACKAGE_NAME} → ${request.name}; "kit" keeps the kit version it came from (${pkg.kit?.version ?? '?'})`,
    `prisma/migrations: ${demoMigrations.length} demo migrations squashed into ${folder} (the schema as it stands, from prisma migrate diff --from-empty)`,
    `src/backfills: ${removedJobs.length ? `demo jobs ${removedJobs.join(', ')} removed; ` : ''}index.ts lists no jobs${removedPostSlug ? "; src/posts/post-slug.ts (the post-slug job's app code) removed" : ''}`,
    ...LEFTOVERS,
  ];
}

/** One migration that builds today's schema from nothing, with the header every kit migration has. */
async function baselineSql(root: string, url: string): Promise<string> {
  const diff = await runPrisma(['migrate', 'diff', '--from-empty', '--to-schema', 'prisma/schema.prisma', '--script'], {
    cwd: root,
    url,
    env: { KIT_QUIET_ENGINE_LINE: '1' },
  });
  if (diff.code !== 0) throw new InitError(`prisma migrate diff failed: ${prismaFailureLine(diff)}`);
  return `-- Baseline: the schema the project started from, in one migration (npm run kit -- init
-- squashed the kit's demo history into it with prisma migrate diff --from-empty --to-schema).
-- Lock: none that matters: every table is new, nothing reads or writes them yet.
-- Shipped before it: nothing; it is the first migration.
${diff.stdout.trimEnd()}\n`;
}

/** `20261125093000` for 2026-11-25 09:30:00 UTC. */
const migrationTimestamp = (date: Date) => date.toISOString().replace(/\D/g, '').slice(0, 14);

/** What init leaves for the team to decide, said once. */
const LEFTOVERS = [
  'kept: the models (users, roles, feature flags, posts), their factories and the reference data: edit prisma/schema.prisma, then npx prisma migrate dev',
  'a database that already ran the demo migrations (npm run setup before init) no longer matches the history: npx prisma migrate reset --force, then npm run setup',
];
