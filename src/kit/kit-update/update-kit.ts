/**
 * Takes a newer kit into a project made from an older one (`npm run kit -- update <git ref>`,
 * docs/managing-updates.md): the kit's paths replaced by the ref's, files the kit dropped removed,
 * and package.json merged so that the team's name, version and own dependencies stay.
 * It changes files only; the team reviews the diff, installs, validates and commits.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KitError } from '../kit-error.ts';
import { git } from '../git.ts';
import { KIT_OWNED_TREES, KIT_PATHS } from '../project-ownership.ts';

/** An update the kit refuses to start: why, and what to do first. */
export class KitUpdateError extends KitError {}

interface PackageJson {
  name: string;
  version?: string;
  kit?: { version?: string };
  scripts?: Record<string, string>;
  imports?: Record<string, string>;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [field: string]: unknown;
}

/** git's output, or one line naming the git command that failed. */
function gitOut(root: string, args: string[]): string {
  const run = git(args, root);
  if (!run.ok) throw new KitUpdateError(`git ${args.join(' ')} failed: ${run.error}`);
  return run.out;
}

const lines = (text: string) => text.split('\n').filter(Boolean);

/**
 * The kit's side of package.json wins for what the kit runs; the team's for what it owns. A
 * package the kit moved between dependencies and devDependencies moves in the project too
 * (after 0.2.0 the tooling became dev-only, so that a production install leaves it out).
 */
export function mergePackageJson(project: PackageJson, kit: PackageJson): PackageJson {
  const dependencies = (field: 'dependencies' | 'devDependencies') => {
    const other = field === 'dependencies' ? 'devDependencies' : 'dependencies';
    const declaredThere = new Set(Object.keys(kit[other] ?? {}));
    const kept = Object.entries(project[field] ?? {}).filter(([name]) => !declaredThere.has(name));
    return { ...Object.fromEntries(kept), ...kit[field] };
  };
  return {
    ...project,
    kit: kit.kit,
    engines: kit.engines,
    imports: { ...project.imports, ...kit.imports },
    scripts: { ...project.scripts, ...kit.scripts },
    dependencies: dependencies('dependencies'),
    devDependencies: dependencies('devDependencies'),
  };
}

export function updateKit(root: string, ref: string): string[] {
  if (gitOut(root, ['status', '--porcelain']).trim()) {
    throw new KitUpdateError(
      'The working tree has changes: commit or stash them first, so that the update is one reviewable diff',
    );
  }
  const resolved = git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], root);
  if (!resolved.ok) {
    throw new KitUpdateError(
      `No commit named ${ref} here: git remote add kit <the kit's URL> && git fetch kit, then pass kit/main`,
    );
  }
  const commit = resolved.out.trim();
  const kitPackage = JSON.parse(gitOut(root, ['show', `${commit}:package.json`])) as PackageJson;
  if (!kitPackage.kit?.version) {
    throw new KitUpdateError(`${ref} is not a version of the kit (its package.json has no "kit" version)`);
  }
  const packagePath = join(root, 'package.json');
  const project = JSON.parse(readFileSync(packagePath, 'utf8')) as PackageJson;

  const theirs = new Set(lines(gitOut(root, ['ls-tree', '-r', '--name-only', commit, '--', ...KIT_PATHS])));
  const removed = lines(gitOut(root, ['ls-files', '--', ...KIT_OWNED_TREES])).filter((file) => !theirs.has(file));
  const present = KIT_PATHS.filter((path) => [...theirs].some((file) => file === path || file.startsWith(`${path}/`)));
  gitOut(root, ['checkout', commit, '--', ...present]);
  for (const file of removed) rmSync(join(root, file));
  writeFileSync(packagePath, `${JSON.stringify(mergePackageJson(project, kitPackage), null, 2)}\n`);

  const changed = lines(gitOut(root, ['status', '--porcelain'])).length;
  const workflows = gitOut(root, ['diff', '--stat', 'HEAD', commit, '--', '.github/workflows']).trim();
  return [
    `kit ${project.kit?.version ?? '?'} → ${kitPackage.kit.version} from ${ref}: ${changed} file(s) changed, ${removed.length} removed (${KIT_PATHS.join(', ')})`,
    `package.json: the kit's scripts, imports, engines and dependency versions; ${project.name}'s name, version and own dependencies kept`,
    workflows
      ? `.github/workflows differ: merge by hand, keeping your deploy step: git diff HEAD ${ref} -- .github/workflows`
      : '.github/workflows: same as the kit',
    'next: npm install && npm run validate, then commit the update as one commit',
  ];
}
