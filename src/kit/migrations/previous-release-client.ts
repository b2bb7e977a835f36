/**
 * Does the release running now keep working on the migrated schema? During a rolling deploy the
 * migrations run first, and the previous release keeps serving until the new one replaces it: its
 * Prisma Client, generated from the previous schema.prisma, now reads tables the branch changed.
 * A dropped or renamed column fails every query of its model, a value the old client doesn't know
 * in an enum fails every row that has it. The linter judges the SQL; this runs the old client:
 * it generates it from the base's schema.prisma (under .data/previous-release/), and reads up to
 * 100 rows of every model from the database the branch's migrations were applied to. In CI that
 * database is empty (every column is still selected by name, so drops and renames show); against
 * a copy of production, rows with new enum values show too.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { importBundled } from '../build/bundle-if-stale.mjs';
import { KitError } from '../kit-error.ts';
import { pgConnectionOptions, urlSchema } from '../db/pg-connection-options.ts';
import { DEFAULT_BASES, firstCommit, forkPoint, git, insideGitCheckout } from '../git.ts';
import { prismaFailureLine, runPrisma } from '../prisma-cli.ts';
import type { KitSettings } from '../settings.ts';

/** The previous release's client can't be generated or read here: why, and what to do. */
export class PreviousReleaseError extends KitError {}

export interface ModelCheck {
  model: string;
  /** Rows read; undefined when the query failed. */
  rows?: number;
  /** The client's error, first line. */
  error?: string;
}

export interface PreviousReleaseReport {
  /** The commit whose schema.prisma the old client was generated from. */
  base: string;
  models: ModelCheck[];
}

/** The base's schema.prisma, with the client generated under `dir` instead of src/generated/. */
function previousSchema(base: string, { root, schema }: KitSettings): string {
  const path = relative(root, schema);
  // `<commit>:./<path>`: the path from the working directory, the project root here.
  const show = git(['show', `${base}:./${path}`], root);
  if (!show.ok) throw new PreviousReleaseError(`${base} has no ${path} (${show.error}): nothing to compare with`);
  const generator = /generator\s+\w+\s*\{[^}]*\}/.exec(show.out);
  if (!generator)
    throw new PreviousReleaseError(`${base}:${path} has no generator block, so it has no client to check`);
  const block = generator[0].replace(/^\s*output\s*=.*$/m, '').replace(/\}$/, '  output = "./client"\n}');
  return show.out.replace(generator[0], block);
}

/** Picks the base: the one named, else the main branch (remote first), where this branch left it. */
function resolveBase(named: string | undefined, root: string): string {
  if (!insideGitCheckout(root))
    throw new PreviousReleaseError('The previous release is read from git: run this in a checkout');
  const base = firstCommit(named ? [named] : DEFAULT_BASES, root);
  if (!base)
    throw new PreviousReleaseError(
      named
        ? `--base ${named} is not a commit here; fetch it (git fetch origin ${named.replace(/^origin\//, '')}).`
        : 'No main branch here (origin/main or main): name the previous release with --base <ref>.',
    );
  return forkPoint(base, root);
}

type Delegate = { findMany(args: { take: number }): Promise<unknown[]> };

/** Generates the previous release's client and reads every model through it from `url`. */
export async function checkPreviousReleaseClient(
  url: string,
  named: string | undefined,
  settings: KitSettings,
): Promise<PreviousReleaseReport> {
  const { root } = settings;
  const base = resolveBase(named, root);
  const dir = join(settings.data, 'previous-release');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'schema.prisma'), previousSchema(base, settings));
  const generate = await runPrisma(['generate', '--schema', join(dir, 'schema.prisma')], {
    cwd: root,
    env: { KIT_QUIET_ENGINE_LINE: '1' },
  });
  if (generate.code !== 0)
    throw new PreviousReleaseError(
      `prisma generate of ${base.slice(0, 12)}'s schema failed: ${prismaFailureLine(generate)}`,
    );
  const module = (await importBundled(root, relative(root, join(dir, 'client', 'client.ts')))) as {
    PrismaClient: new (options: { adapter: unknown }) => Record<string, Delegate> & { $disconnect(): Promise<void> };
    Prisma: { ModelName: Record<string, string> };
  };
  const client = new module.PrismaClient({
    adapter: new PrismaPg(pgConnectionOptions(url), { schema: urlSchema(url) }),
  });
  const models: ModelCheck[] = [];
  try {
    for (const model of Object.values(module.Prisma.ModelName)) {
      const delegate = client[model[0]!.toLowerCase() + model.slice(1)]!;
      try {
        models.push({ model, rows: (await delegate.findMany({ take: 100 })).length });
      } catch (error) {
        const lines = String((error as Error).message)
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean);
        models.push({ model, error: lines.at(-1) ?? 'failed' });
      }
    }
  } finally {
    await client.$disconnect();
  }
  return { base, models };
}
