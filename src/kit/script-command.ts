/**
 * The command line that runs one of the kit's scripts the way its npm script does (through
 * scripts/run.mjs), for code that starts them as child processes: local backfill workers, the
 * benches and the tests. One process, no npm or shell in between, so a signal reaches the script.
 */
import { join } from 'node:path';
import { checkoutSettings } from './settings.ts';

/**
 * `[node, [--liftoff-only, <root>/scripts/run.mjs, name, ...args]]`, shaped for
 * `spawn(...scriptCommand(…), options)`; `root` is another checkout (a test's copy) when given.
 * The flag is the npm scripts' own (scripts/run.mjs says why).
 */
export function scriptCommand(name: string, args: string[] = [], root = checkoutSettings().root): [string, string[]] {
  return [process.execPath, ['--liftoff-only', join(root, 'scripts', 'run.mjs'), name, ...args]];
}
