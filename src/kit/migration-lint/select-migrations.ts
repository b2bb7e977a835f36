/**
 * Which migrations to lint: by default the ones not yet on the main branch (new on this branch,
 * committed or not), found with git. A migration that exists on the main branch but differs here
 * was edited after it shipped: Migrate would refuse every database it was applied to.
 */
import { join, relative } from 'node:path';
import { LintError } from './lint-error.ts';
import { DEFAULT_BASES, firstCommit, forkPoint, git, insideGitCheckout } from '../git.ts';
import { migrationFolders } from '../migrations/migration-folders.ts';
import type { KitSettings } from '../settings.ts';
import type { Finding } from './finding.ts';

export interface MigrationSelection {
  /** Every migration folder name, oldest first. */
  all: string[];
  /** The folder names to lint. */
  selected: string[];
  /** Migrations on the base that were changed or deleted here. */
  edited: Finding[];
  /** What the selection was compared with, for the report. */
  comparedWith: string;
}

/** The folder of a path git printed (relative to the root), when it is a migration's SQL. */
function folderOf(path: string, migrations: string): string | undefined {
  const [folder, file, ...rest] = relative(migrations, path).split('/');
  return file === 'migration.sql' && rest.length === 0 && folder !== '..' ? folder : undefined;
}

export function selectMigrations(
  options: { all: boolean; base?: string },
  settings: Pick<KitSettings, 'root' | 'migrations'>,
): MigrationSelection {
  const { root, migrations } = settings;
  const all = migrationFolders(migrations);
  if (!insideGitCheckout(root)) {
    if (options.base) throw new LintError(`--base ${options.base} needs a git checkout; run from one, or use --all`);
    return { all, selected: all, edited: [], comparedWith: 'nothing (not a git checkout): linting all' };
  }
  const candidates = options.base ? [options.base] : DEFAULT_BASES;
  const base = firstCommit(candidates, root);
  if (!base) {
    if (options.base)
      throw new LintError(
        `--base ${options.base} is not a commit, branch or tag here; fetch it (git fetch origin ${options.base.replace(/^origin\//, '')}) or use --all`,
      );
    return { all, selected: all, edited: [], comparedWith: 'nothing (no main branch here): linting all' };
  }
  // Compare with where this branch left the base, so migrations merged to main since don't count.
  const rel = relative(root, migrations);
  const changed = git(['diff', '--relative', '--name-status', '--no-renames', forkPoint(base, root), '--', rel], root)
    .out.split('\n')
    .filter(Boolean);
  const untracked = git(['ls-files', '--others', '--exclude-standard', '--', rel], root)
    .out.split('\n')
    .filter(Boolean);

  const added = new Set<string>();
  const edited: Finding[] = [];
  for (const line of changed) {
    const [status, path] = line.split('\t') as [string, string];
    const folder = folderOf(join(root, path), migrations);
    if (!folder) continue;
    if (status === 'A') added.add(folder);
    else
      edited.push({
        file: path,
        line: 1,
        rule: 'applied-migration-edited',
        message: `${status === 'D' ? 'deleted' : 'changed'} here, but ${base} already has it (so do the databases it was deployed to)`,
      });
  }
  for (const path of untracked) {
    const folder = folderOf(join(root, path), migrations);
    if (folder) added.add(folder);
  }
  const selected = options.all ? all : all.filter((name) => added.has(name));
  return { all, selected, edited, comparedWith: base };
}
