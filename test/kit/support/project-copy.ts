/**
 * A copy of this checkout (tracked and new files, not ignored ones) with node_modules linked in,
 * for tests that run commands which rewrite project files, such as `prisma generate` inside
 * `npm run kit -- ci-local`: in the copy they can't pull files from under the tests running beside them.
 * `{ demo: true }` leaves out every file of the team's and takes the demo project's instead
 * (test/kit/support/demo-project.ts): for tests of the kit's commands, which need a known project
 * whatever the team has made of its own.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SUPPORTED_MAJORS } from '#kit/embedded-db/postgres-major.ts';
import { outsideLocation } from '#kit/embedded-db/runtime-location.ts';
import { dataDir, projectRoot } from '#kit-test/support/checkout.ts';
import { isTeamPath } from '#kit/project-ownership.ts';
import { demoProjectDir } from './demo-project.ts';

export interface ProjectCopy {
  dir: string;
  remove(): void;
}

export function copyProject(name: string, options: { demo?: boolean } = {}): ProjectCopy {
  const dir = join(dataDir, 'tmp', `${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const files = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: projectRoot,
    encoding: 'utf8',
  })
    .stdout.split('\0')
    .filter((file) => file && !(options.demo && isTeamPath(file)));
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(projectRoot, file), join(dir, file), { errorOnExist: false, force: true });
  }
  if (options.demo) cpSync(demoProjectDir, dir, { recursive: true });
  symlinkSync(join(projectRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return {
    dir,
    remove: () => {
      for (const outside of outsideClusters(dir)) rmSync(outside, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Where a copy's own embedded servers (stopped by then) keep their binaries and data outside it:
 * as root, under /var/tmp (src/kit/embedded-db/runtime-location.ts). Removed with the copy, or
 * every run as root would leave a few hundred MB behind. Found by the copy's path, not its state
 * file, which a test may have corrupted on purpose.
 */
function outsideClusters(dir: string): string[] {
  return SUPPORTED_MAJORS.map((major) => outsideLocation(dir, major)).filter((path) => existsSync(path));
}
