/** Where the kit keeps its files. Everything under `.data/` is local state and git-ignored. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const dataDir = join(projectRoot, '.data');
export const prismaDir = join(projectRoot, 'prisma');
export const schemaPath = join(prismaDir, 'schema.prisma');
export const migrationsDir = join(prismaDir, 'migrations');
export const prismaCli = join(projectRoot, 'node_modules', 'prisma', 'build', 'index.js');
