/**
 * Where the installed `prisma` package is, found the way Node finds it (so from a bundle under
 * .data/build/ too): the CLI the kit runs, its version, and the wasm schema engine it ships,
 * built from the engines commit it pins (the stand-in runs that one).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const prismaPackageDir = () => dirname(createRequire(import.meta.url).resolve('prisma/package.json'));

export const prismaPackageJson = () => readFileSync(join(prismaPackageDir(), 'package.json'));

export const prismaCliPath = () => join(prismaPackageDir(), 'build', 'index.js');

export const prismaVersion = () => (JSON.parse(prismaPackageJson().toString('utf8')) as { version: string }).version;

export const cliSchemaEngineWasmPath = () => join(prismaPackageDir(), 'build', 'schema_engine_bg.wasm');
