/** Where the kit keeps its files. Everything under `.data/` is local state and git-ignored. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const dataDir = join(projectRoot, '.data');
export const prismaDir = join(projectRoot, 'prisma');
export const schemaPath = join(prismaDir, 'schema.prisma');
export const migrationsDir = join(prismaDir, 'migrations');
export const prismaCli = join(projectRoot, 'node_modules', 'prisma', 'build', 'index.js');
/** The wasm schema engine the prisma CLI package ships, built from the engines commit it pins. */
export const cliSchemaEngineWasm = join(projectRoot, 'node_modules', 'prisma', 'build', 'schema_engine_bg.wasm');
