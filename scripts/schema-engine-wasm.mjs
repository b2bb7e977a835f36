#!/usr/bin/env -S node --liftoff-only
// The executable the Prisma CLI spawns in place of the native schema-engine binary
// (PRISMA_SCHEMA_ENGINE_BINARY points here; see prisma.config.ts), often several times per
// command. Plain JavaScript, so it can be exec'd directly and starts without a TypeScript loader:
// it runs src/kit/schema-engine/main.ts bundled under .data/build/ (src/kit/build/bundle-if-stale.mjs).
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleIfStale } from '#kit/build/bundle-if-stale.mjs';

// The shebang compiles WebAssembly with Liftoff only (scripts/run.mjs says why): the same wall
// time for a `migrate diff` of the history here, about 0.9 s less CPU, which a busy machine gives
// back. `env -S` passes the flag (GNU coreutils 8.30+, macOS).
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = await bundleIfStale(
  root,
  'src/kit/schema-engine/main.ts',
  join(root, '.data', 'build', 'schema-engine.mjs'),
);
const { main } = await import(pathToFileURL(bundle).href);
await main(process.argv.slice(2));
