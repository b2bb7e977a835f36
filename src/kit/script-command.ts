/**
 * The command line that runs one of the kit's scripts the way its npm script does (through
 * scripts/run.mjs), for code that starts them as child processes: local backfill workers, the
 * benches and the tests. One process, no npm or shell in between, so a signal reaches the script.
 */
import { join } from 'node:path';

/**
 * `[node, [--liftoff-only, <root>/scripts/run.mjs, name, ...args]]`, shaped for
 * `spawn(...scriptCommand(…), options)`; `root` is the project whose scripts run (the settings' root,
 * or a test's copy).
 * The flag is the npm scripts' own (scripts/run.mjs says why).
 */
export function scriptCommand(name: string, args: string[], root: string): [string, string[]] {
  return [process.execPath, ['--liftoff-only', join(root, 'scripts', 'run.mjs'), name, ...args]];
}
