/**
 * Turns on Node's module compile cache (V8's code cache, kept on disk) for this process and, through
 * NODE_COMPILE_CACHE, for the Node programs it starts: the Prisma CLI and the schema engine.
 *
 * Why: each kit command, Prisma command and schema-engine start compiles megabytes of JavaScript
 * before it does anything (the Prisma CLI alone is several megabytes of bundle), and a test run
 * starts hundreds of them. From the second start on, the cache skips that compile: see
 * docs/benchmarks/test-time.md for what it saves. Node checks every entry against its
 * source, so an upgraded package or a rebuilt bundle is compiled afresh, never run stale.
 * Plain JavaScript, so that it runs before any TypeScript loader.
 */
import nodeModule from 'node:module';
import { join } from 'node:path';

/**
 * Under .data/build/, beside the bundles, so a fresh clone or `rm -rf .data` starts it over. The
 * entry point hands in its environment, which its child processes inherit: a directory already set
 * there (NODE_COMPILE_CACHE) wins, and NODE_DISABLE_COMPILE_CACHE=1 turns the cache off.
 */
export function useCompileCache(root, env) {
  env.NODE_COMPILE_CACHE ??= join(root, '.data', 'build', 'node-compile-cache');
  // Node 22.1 and later; on an older Node the kit's commands run as before, without the cache.
  nodeModule.enableCompileCache?.(env.NODE_COMPILE_CACHE);
}
