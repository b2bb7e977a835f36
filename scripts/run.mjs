#!/usr/bin/env node
// `node --liftoff-only scripts/run.mjs <name> [args…]` runs scripts/<name>.ts: what every npm
// script of the kit calls. It runs the script bundled under .data/build/scripts/ (rebuilt when a
// source file changes; src/kit/build/bundle-if-stale.mjs says why), so a command starts in about
// half the time that tsx's loader takes. `tsx scripts/<name>.ts` runs the same code, only slower.
//
// Why --liftoff-only: V8 compiles WebAssembly twice, at once with its baseline compiler (Liftoff),
// then again, hot functions optimized (TurboFan), on background threads that the process waits
// for at exit. The kit's wasm (PostgreSQL's parser, the native engine's sqlparser) parses a few
// statements per command, so the second compile is pure cost: `lint:migrations -- --no-database`
// takes 2.2-2.7 s with it and 0.66 s without on Node 24. It has to be on the command line: set
// from code (v8.setFlagsFromString), Node 20 honoured it and Node 24 ignores it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BundleError, bundleIfStale } from '#kit/build/bundle-if-stale.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [name = '', ...args] = process.argv.slice(2);
const script = join('scripts', `${name}.ts`);
if (!/^[\w-]+$/.test(name) || !existsSync(join(root, script))) {
  console.error(
    `error: No script scripts/${name}.ts. Usage: node --liftoff-only scripts/run.mjs <name> [args…], e.g. npm run setup.`,
  );
  process.exit(1);
}
// `--help` (or -h): the script's docblock, which opens with its usage and says what it does;
// nothing is built or run. migrate:new answers --help itself (it lists its patterns).
if ((args.includes('--help') || args.includes('-h')) && name !== 'migrate-new') {
  const docblock = /\/\*\*([\s\S]*?)\*\//.exec(readFileSync(join(root, script), 'utf8'))?.[1] ?? '';
  console.log(
    docblock
      .split('\n')
      .map((line) => line.replace(/^\s*\* ?/, ''))
      .join('\n')
      .trim(),
  );
  process.exit(0);
}
const bundle = await bundleIfStale(root, script, join(root, '.data', 'build', 'scripts', `${name}.mjs`)).catch(
  (error) => {
    // A file the script imports does not compile: one line, as runCli prints expected errors.
    if (!(error instanceof BundleError)) throw error;
    console.error(`error: ${error.message}`);
    process.exit(error.exitCode);
  },
);
// The script sees the command line it would see under tsx: its own path, then its arguments.
process.argv = [process.argv[0], join(root, script), ...args];
process.setSourceMapsEnabled(true);
await import(pathToFileURL(bundle).href);
