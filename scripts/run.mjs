#!/usr/bin/env node
// `node --liftoff-only scripts/run.mjs <name> [args…]` runs scripts/<name>.ts: what every npm
// script of the kit calls. It runs the script bundled under .data/build/scripts/ (rebuilt when a
// source file changes; src/kit/build/bundle-if-stale.mjs says why), so a command starts in about
// half the time that tsx's loader takes. `tsx scripts/<name>.ts` runs the same code, only slower.
//
// Why --liftoff-only: V8 compiles WebAssembly twice, at once with its baseline compiler (Liftoff),
// then again, hot functions optimized (TurboFan), on background threads that the process waits
// for at exit. The kit's wasm (PostgreSQL's parser, the native engine's sqlparser) parses a few
// statements per command, so the second compile is pure cost: `migrate:lint -- --no-database`
// takes 2.2-2.7 s with it and 0.66 s without on Node 24. It has to be on the command line: set
// from code (v8.setFlagsFromString), Node 20 honoured it and Node 24 ignores it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BundleError, bundleIfStale } from '#kit/build/bundle-if-stale.mjs';
import { useCompileCache } from '#kit/build/compile-cache.mjs';
import { COMMANDS, kitTool, renamedTo, typed } from '#kit/command-list.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// This script's bundle, and the Prisma CLI and schema engine it starts, load from V8's code cache.
useCompileCache(root, process.env);
let [name = '', ...args] = process.argv.slice(2);

// An old name (src/kit/command-list.mjs keeps them for one kit version): say the new one, run it.
if (name === '--formerly') {
  const old = args.shift() ?? '';
  const command = renamedTo(old);
  if (!command) {
    console.error(`error: ${old} is no command of the kit. npm run lists them.`);
    process.exit(1);
  }
  console.error(
    `warning: npm run ${old} is now ${typed(command)}; the old name goes in the next kit version (CHANGELOG.md).`,
  );
  if (command.shell) {
    const run = spawnSync('npm', ['run', '--silent', command.name, ...(args.length ? ['--', ...args] : [])], {
      cwd: root,
      stdio: 'inherit',
    });
    process.exit(run.status ?? 1);
  }
  [name, ...args] = [command.script ?? '', ...(command.args ?? []), ...(command.formerlyArgs?.[old] ?? []), ...args];
}

// `npm run kit -- <tool> …`: the kit's own tools behind one entry.
if (name === 'kit') {
  const found = kitTool(args);
  if (!found) {
    const tools = COMMANDS.filter((command) => command.name.startsWith('kit '));
    const asked = args.length === 0 || args[0] === '--help' || args[0] === '-h';
    const out = asked ? console.log : console.error;
    if (!asked) out(`error: No kit tool "${args.join(' ')}". The tools:`);
    else out("`npm run kit -- <tool> …`: the kit's own tools. Each answers --help.\n");
    for (const command of tools) out(`  ${`${typed(command)} ${command.usage}`.padEnd(64)} ${command.summary}`);
    process.exit(asked ? 0 : 1);
  }
  [name, ...args] = [found.command.script ?? '', ...(found.command.args ?? []), ...found.rest];
}

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
