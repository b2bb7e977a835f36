/**
 * A stand-in for Prisma's native `schema-engine` executable, built on Prisma's own wasm build of
 * the same engine (@prisma/schema-engine-wasm) and @prisma/adapter-pg. The Prisma CLI spawns it
 * (via PRISMA_SCHEMA_ENGINE_BINARY, set in prisma.config.ts) exactly as it spawns the native one:
 *
 *   <exe> --version                                   one version line
 *   <exe> --datasource '{"url":…}' cli <command>      can-connect-to-database | create-database | drop-database
 *   <exe> --datamodels <path>… --datasource '{…}'     JSON-RPC 2.0, one request per stdin line,
 *                                                     one response per stdout line, JSON logs on stderr
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { loadWasmSchemaEngine, panicRegistry, type WasmSchemaEngine } from './load-wasm-engine.ts';
import {
  createMigrationAdapterFactory,
  databaseErrorText,
  type ScriptFailure,
  scriptFailures,
  type MigrationDatasource,
} from './pg-migration-adapter.ts';
import { canConnectToDatabase, createDatabase, dropDatabase, EngineCommandError } from './database-commands.ts';
import { serveJsonRpc } from './json-rpc-server.ts';
import { forwardToEngine, HANDLERS, type HandlerContext } from './rpc-handlers.ts';
import { engineFailure, type EngineFailure } from '../db/connection-errors.ts';
import { loadNativeParser } from '../sql/native-script-plan.ts';
import { withPgClient } from '../db/pg-client.ts';
import { urlSchema } from '../db/pg-connection-options.ts';
import { engineDatamodels, type ExtensionContext, requestUsesExtensions } from './extensions/extension-emulation.ts';
import type { Extension } from './extensions/extension-steps.ts';
import { installedExtensionsAt } from './extensions/installed-extensions.ts';

interface EngineArgs {
  version: boolean;
  datamodels: string[];
  datasource: Partial<MigrationDatasource> | undefined;
  previewFeatures: string[];
  cliCommand: string | undefined;
}

function parseArgs(argv: string[]): EngineArgs {
  const args: EngineArgs = {
    version: false,
    datamodels: [],
    datasource: undefined,
    previewFeatures: [],
    cliCommand: undefined,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => argv[++i] ?? '';
    if (arg === '--version' || arg === '-V') args.version = true;
    else if (arg === '--datamodels' || arg === '-d') args.datamodels.push(value());
    else if (arg === '--datasource') args.datasource = JSON.parse(value()) as Partial<MigrationDatasource>;
    else if (arg === '--enabled-preview-features') args.previewFeatures = value().split(',').filter(Boolean);
    else if (arg === '--extension-types')
      value(); // no effect on PostgreSQL
    else if (arg === 'cli') args.cliCommand = argv[++i];
  }
  return args;
}

function log(level: 'INFO' | 'ERROR', message: string, extra: Record<string, unknown> = {}): void {
  process.stderr.write(
    `${JSON.stringify({ level, target: 'schema_engine::logger', fields: { message, ...extra } })}\n`,
  );
}

async function runCliCommand(command: string, url: string | undefined): Promise<number> {
  // The CLI skips the first stderr line and JSON-parses the rest.
  log('INFO', `Starting schema engine CLI (wasm stand-in): ${command}`);
  try {
    if (!url)
      throw new EngineCommandError({
        errorCode: 'P1012',
        message: 'No datasource URL was given to the schema engine.',
      });
    if (command === 'can-connect-to-database') await canConnectToDatabase(url);
    else if (command === 'create-database') await createDatabase(url);
    else if (command === 'drop-database') await dropDatabase(url);
    else
      throw new EngineCommandError({ errorCode: undefined, message: `Unknown schema engine CLI command: ${command}` });
    return 0;
  } catch (error) {
    const failure: EngineFailure = error instanceof EngineCommandError ? error.failure : engineFailure(error);
    log('ERROR', failure.message, failure.errorCode ? { error_code: failure.errorCode } : {});
    return 1;
  }
}

function rpcError(failure: EngineFailure, isPanic: boolean): Record<string, unknown> {
  return {
    code: 4466,
    message: 'An error happened. Check the data field for details.',
    data: {
      is_panic: isPanic,
      message: failure.message,
      ...(failure.errorCode ? { error_code: failure.errorCode, meta: {} } : {}),
      ...(isPanic ? { error: { message: failure.message } } : {}),
    },
  };
}

/**
 * The wasm engine reports a failing migration script as "external connector error" plus the
 * adapter's paraphrase ("Error accessing result set, column not found: …"); the native engine
 * reports PostgreSQL's code and message: P3018 for `migrate deploy`, P3006 for a shadow-database
 * replay. Give the CLI the native form, so logs read the same under both engines. Only a failure
 * of the script itself counts: when the engine's own bookkeeping fails afterwards (25P02 after a
 * failed BEGIN), that error stands, as natively.
 */
function inNativeForm(error: unknown, failure: ScriptFailure | undefined): unknown {
  const text = error instanceof Error ? error.message : String(error);
  if (!failure) return error;
  const database = databaseErrorText(failure);
  // The wasm engine says only "Failed to connect to the shadow database" when creating it failed
  // (a role without CREATEDB); the native engine's P3014 keeps PostgreSQL's reason.
  if (/Failed to connect to the shadow database/.test(text)) {
    return new EngineCommandError({
      errorCode: 'P3014',
      message: `Prisma Migrate could not create the shadow database. Please make sure the database user has permission to create databases. Read more about the shadow database (and workarounds) at https://pris.ly/d/migrate-shadow\n\nOriginal error: \n${database}`,
    });
  }
  const shadow = /Migration `([^`]+)` failed to apply cleanly to the shadow database/.exec(text)?.[1];
  if (shadow) {
    return new EngineCommandError({
      errorCode: 'P3006',
      message: `Migration \`${shadow}\` failed to apply cleanly to the shadow database. \nError code: ${failure.code}\nError:\n${database}`,
    });
  }
  const applied = /apply_migration::apply_script\s+with migration_name="([^"]+)"/.exec(text)?.[1];
  if (!applied) return error;
  return new EngineCommandError({
    errorCode: 'P3018',
    message: [
      'A migration failed to apply. New migrations cannot be applied before the error is recovered from. Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve',
      `Migration name: ${applied.split(/[\\/]/).at(-1)}`,
      `Database error code: ${failure.code}`,
      `Database error:\n${database}`,
    ].join('\n\n'),
  });
}

/** Requests that read or write Migrate's history table in the URL's schema. */
const HISTORY_METHODS = new Set([
  'applyMigrations',
  'createMigration',
  'devDiagnostic',
  'diagnoseMigrationHistory',
  'evaluateDataLoss',
  'markMigrationApplied',
  'markMigrationRolledBack',
]);

/**
 * A role without USAGE on the schema can't see `_prisma_migrations` in it, and the wasm engine
 * then reports every migration pending (`status`) or "Invariant violation: migration persistence
 * is not initialized" (`deploy`), neither of which says what is wrong. Here it is said in one line
 * with the way out. (What the native engine prints here could not be checked: its binary doesn't
 * run on this project's machines.) A server that can't be reached, or a schema that doesn't exist
 * yet, is left to the engine to report as it does natively.
 */
async function refuseWithoutSchemaUsage(url: string): Promise<void> {
  const schema = urlSchema(url) ?? 'public';
  const access = await withPgClient(url, async (client) => {
    const { rows } = await client.query<{ role: string; usage: boolean | null }>(
      `SELECT current_user AS role, has_schema_privilege(oid, 'USAGE') AS usage FROM pg_namespace WHERE nspname = $1`,
      [schema],
    );
    return rows[0];
  }).catch(() => undefined);
  if (!access || access.usage) return;
  throw new EngineCommandError({
    errorCode: undefined,
    message: `The role "${access.role}" has no USAGE on the schema "${schema}", where Migrate keeps _prisma_migrations, so it can't read or record the history. Run migrations with the migrator's URL (MIGRATION_DATABASE_URL), or have the schema's owner grant it (npm run db:roles does; npm run db:doctor shows who may do what).`,
  });
}

function serveRpc(args: EngineArgs): void {
  const failures = scriptFailures();
  let files: Array<[string, string]> | undefined;
  const schemaFiles = () => {
    files ??= args.datamodels.map((path): [string, string] => [path, readFileSync(path, 'utf8')]);
    return [...files];
  };
  let shadowExtensions: Extension[] | undefined;
  // Set per request: read the shadow's extensions only for a request that compares them.
  let shadowWanted = false;
  const extensions: ExtensionContext = {
    previewFeatures: args.previewFeatures,
    engineSchemaTexts: schemaFiles().map(([, text]) => text),
    databaseUrl: args.datasource?.url,
    lastShadowExtensions: () => shadowExtensions,
  };
  let engine: Promise<WasmSchemaEngine> | undefined;
  const getEngine = () => {
    engine ??= (async () => {
      const url = args.datasource?.url;
      if (!url)
        throw new EngineCommandError({
          errorCode: 'P1012',
          message: 'The datasource has no URL. Set DATABASE_URL or run `npm run db:start`.',
        });
      // Every script the engine runs is first planned with sqlparser (pg-migration-adapter.ts):
      // its wasm compiles now, beside the engine's, not on the first script. A failure surfaces there.
      loadNativeParser().catch(() => undefined);
      const { SchemaEngine } = await loadWasmSchemaEngine();
      const factory = bindMigrationAwareSqlAdapterFactory(
        await createMigrationAdapterFactory(
          {
            url,
            shadowDatabaseUrl: args.datasource?.shadowDatabaseUrl,
            beforeShadowDiscarded: async (shadowUrl) => {
              if (shadowWanted) shadowExtensions = await installedExtensionsAt(shadowUrl);
            },
          },
          failures,
        ),
      );
      const datamodels = engineDatamodels(schemaFiles());
      // Commands such as `migrate diff` and `db execute` start the engine without a schema. The
      // native engine then takes the provider from the URL; the wasm one has no connector at all
      // ("unreachable"), so give it a schema that names only the provider.
      if (datamodels.length === 0)
        datamodels.push(['datasource.prisma', 'datasource db {\n  provider = "postgresql"\n}\n']);
      return SchemaEngine.new({ datamodels }, (line: string) => process.stderr.write(`${line.trim()}\n`), factory);
    })();
    return engine;
  };

  const state: HandlerContext['state'] = {};
  let schemaUsageChecked: Promise<void> | undefined;
  const server = serveJsonRpc(
    { input: process.stdin, write: (line) => process.stdout.write(line), exit: (code) => process.exit(code) },
    {
      beforeEach: () => failures.take(), // a failure belongs to the request it happened in
      handle: async (request, server) => {
        const params = request.params ?? {};
        shadowWanted = requestUsesExtensions(params, extensions);
        if (HISTORY_METHODS.has(request.method) && args.datasource?.url) {
          schemaUsageChecked ??= refuseWithoutSchemaUsage(args.datasource.url);
          // The engine loads meanwhile (its wasm takes longer than the check): the check adds no wait.
          getEngine().catch(() => undefined);
          await schemaUsageChecked;
        }
        const context: HandlerContext = { engine: getEngine, url: args.datasource?.url, extensions, server, state };
        const handler = HANDLERS[request.method];
        return handler ? handler(params, context) : forwardToEngine(request.method, params, context);
      },
      fail: (_request, caught) => {
        const panicked = panicRegistry.message !== undefined;
        const error = inNativeForm(caught, failures.take());
        const failure = error instanceof EngineCommandError ? error.failure : engineFailure(error);
        return { error: rpcError(failure, panicked), ...(panicked ? { exitCode: 101 } : {}) };
      },
    },
  );
  process.on('uncaughtException', (error) => {
    if (!server.failRequestInFlight(error)) throw error;
  });
}

function pinnedEnginesVersion(): string {
  const path = createRequire(import.meta.url).resolve('@prisma/engines-version/package.json');
  return (JSON.parse(readFileSync(path, 'utf8')) as { prisma: { enginesVersion: string } }).prisma.enginesVersion;
}

export async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  if (args.version) {
    // The engines commit the prisma package pins; its wasm build reports the same one
    // (test/kit/schema-engine/parser-version.test.ts), so there is no need to compile 5 MB of wasm.
    process.stdout.write(`schema-engine-wasm-stand-in ${pinnedEnginesVersion()}\n`);
    return;
  }
  if (args.cliCommand) {
    process.exitCode = await runCliCommand(args.cliCommand, args.datasource?.url);
    return;
  }
  serveRpc(args);
}
