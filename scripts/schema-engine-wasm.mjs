#!/usr/bin/env node
// The executable the Prisma CLI spawns in place of the native schema-engine binary
// (PRISMA_SCHEMA_ENGINE_BINARY points here; see prisma.config.ts), often several times per
// command. Plain JavaScript, so it can be exec'd directly and starts without a TypeScript loader:
// it runs src/schema-engine/main.ts compiled by esbuild into one ES module under .data/build/,
// rebuilt only when one of its source files is newer than the bundle.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, '.data', 'build', 'schema-engine.mjs');
const inputsFile = `${bundle}.inputs.json`;

function isFresh() {
  if (!existsSync(bundle) || !existsSync(inputsFile)) return false;
  const builtAt = statSync(bundle).mtimeMs;
  const inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
  return inputs.every((file) => existsSync(join(root, file)) && statSync(join(root, file)).mtimeMs <= builtAt);
}

async function build() {
  const { build: esbuild } = await import('esbuild');
  const result = await esbuild({
    absWorkingDir: root,
    entryPoints: ['src/schema-engine/main.ts'],
    bundle: true,
    packages: 'external', // node_modules are imported as they are, from the project's own
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  mkdirSync(dirname(bundle), { recursive: true });
  // Written under a temporary name and renamed: a stand-in started meanwhile never reads half a file.
  const temporary = `${bundle}.${process.pid}`;
  writeFileSync(temporary, result.outputFiles[0].contents);
  writeFileSync(`${inputsFile}.${process.pid}`, JSON.stringify(Object.keys(result.metafile.inputs)));
  renameSync(`${inputsFile}.${process.pid}`, inputsFile);
  renameSync(temporary, bundle);
}

if (!isFresh()) await build();
const { main } = await import(pathToFileURL(bundle).href);
await main(process.argv.slice(2));
