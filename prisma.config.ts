/**
 * Prisma CLI configuration. Loaded by every `prisma` command, bare `npx prisma …` included, so it
 * is where the kit picks the database (src/kit/db/database-url.ts) and the schema engine
 * (src/kit/schema-engine/select-engine.ts). The schema and migrations paths come from the kit's
 * settings (src/kit/settings.ts), so Prisma and the kit read one declaration of them.
 */
import { defineConfig } from 'prisma/config';
import { currentDatabaseUrl, NO_DATABASE_HINT } from './src/kit/db/database-url.ts';
import { selectSchemaEngine } from './src/kit/schema-engine/select-engine.ts';
import { KitError } from './src/kit/kit-error.ts';
import { assertDirectUrl } from './src/kit/db/pooled-url.ts';
import { PROJECT_LAYOUT } from './src/kit/settings.ts';
import { environment } from './src/kit/environment.ts';

function exitWith(error: unknown): never {
  if (error instanceof KitError) {
    console.error(`error: ${error.message}`);
    process.exit(error.exitCode);
  }
  throw error;
}

let url: string | undefined;
let shadowDatabaseUrl: string | undefined;
try {
  const engine = selectSchemaEngine();
  if (!environment().KIT_QUIET_ENGINE_LINE) {
    console.error(`schema engine: ${engine.engine === 'wasm' ? 'wasm stand-in' : engine.engine} (${engine.reason})`);
  }
  url = currentDatabaseUrl();
  shadowDatabaseUrl = environment().SHADOW_DATABASE_URL;
  // Migrate's lock and a file's statements need one session: never a transaction-mode pooler.
  if (url && process.argv[2] === 'migrate') assertDirectUrl(url, `prisma migrate ${process.argv[3] ?? ''}`.trim());
} catch (error) {
  exitWith(error);
}

const commandNeedsDatabase = /^(migrate|db|studio|introspect)$/.test(process.argv[2] ?? '');
if (!url && commandNeedsDatabase) console.error(`error: ${NO_DATABASE_HINT}`);

export default defineConfig({
  schema: PROJECT_LAYOUT.schema,
  migrations: {
    path: PROJECT_LAYOUT.migrations,
    // `npx prisma db seed` runs the production-safe reference seed, the same as the deploy does.
    seed: 'node --liftoff-only scripts/run.mjs seed-reference',
  },
  datasource: {
    url: url ?? '',
    shadowDatabaseUrl,
  },
});
