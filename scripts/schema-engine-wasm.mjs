#!/usr/bin/env node
// The executable the Prisma CLI spawns in place of the native schema-engine binary
// (PRISMA_SCHEMA_ENGINE_BINARY points here; see prisma.config.ts). Plain JavaScript so that it can
// be exec'd directly; it registers tsx and runs the TypeScript implementation.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/schema-engine/main.ts');
await main(process.argv.slice(2));
