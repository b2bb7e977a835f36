/**
 * How the stand-in answers each JSON-RPC method the Prisma CLI sends: one small function per
 * method that it answers differently from the wasm engine, each with the reason; every other
 * method goes to the wasm engine as it is (`forwardToEngine`). Methods whose requests compare a
 * schema with something go through extension-emulation.ts on the way (extensions = [...]).
 */
import type { ExtensionContext } from './extensions/extension-emulation.ts';
import { callWithExtensions } from './extensions/extension-emulation.ts';
import { createDatabase, EngineCommandError, executeScript } from './database-commands.ts';
import type { JsonRpcServer } from './json-rpc-server.ts';
import type { WasmSchemaEngine } from './load-wasm-engine.ts';

type Params = Record<string, unknown>;

export interface HandlerContext {
  engine(): Promise<WasmSchemaEngine>;
  /** The datasource URL the CLI started the engine with. */
  url: string | undefined;
  extensions: ExtensionContext;
  server: JsonRpcServer;
  /** What the last devDiagnostic asked, to ask it again (applyMigrations says why). */
  state: { lastDevDiagnostic?: Params };
}

export type Handler = (params: Params, context: HandlerContext) => Promise<unknown>;

type EngineMethod = (input: unknown) => Promise<unknown>;
const engineMethod = async (context: HandlerContext, name: string): Promise<EngineMethod> => {
  const engine = (await context.engine()) as unknown as Record<string, EngineMethod>;
  const method = engine[name];
  if (typeof method !== 'function')
    throw new EngineCommandError({
      errorCode: undefined,
      message: `Method not supported by the wasm stand-in: ${name}`,
    });
  return method.bind(engine);
};

/** A method the stand-in has no reason to answer itself: the wasm engine's answer, extensions reconciled. */
export async function forwardToEngine(method: string, params: Params, context: HandlerContext): Promise<unknown> {
  return callWithExtensions(method, params, await engineMethod(context, method), context.extensions);
}

function connectionUrl(params: Params): string | undefined {
  const datasource = params.datasource as { tag?: string; url?: string } | undefined;
  return datasource?.tag === 'ConnectionString' ? datasource.url : undefined;
}

/** The wasm engine can't create a database (it has no connection of its own): created here. */
const createDatabaseHandler: Handler = async (params, context) => {
  const url = connectionUrl(params) ?? context.url;
  if (!url) throw new EngineCommandError({ errorCode: 'P1012', message: 'createDatabase needs a connection string.' });
  return { databaseName: await createDatabase(url) };
};

/**
 * The wasm engine's dbExecute cuts scripts apart on every `;` (a `$$` body fails with an opaque
 * "External error"), so scripts run here, the same way migrations do.
 */
const dbExecute: Handler = async (params, context) => {
  const target = params.datasourceType as { tag: string; url?: string } | undefined;
  const url = (target?.tag === 'url' ? target.url : undefined) ?? context.url;
  if (!url) throw new EngineCommandError({ errorCode: 'P1012', message: 'db execute needs a datasource URL.' });
  await executeScript(url, String(params.script ?? ''));
  return null;
};

/** The wasm engine reads "no datasource given" as null, not as absent params. */
const getDatabaseVersion: Handler = async (params, context) =>
  (await context.engine()).version(params.datasource ? (params as never) : null);

const devDiagnostic: Handler = async (params, context) => {
  context.state.lastDevDiagnostic = params;
  return forwardToEngine('devDiagnostic', params, context);
};

/**
 * Applying a migration leaves the wasm engine without its shadow database: `migrate dev` then
 * fails in evaluateDataLoss with "PostgreSQL shadow DB must be provided through an external
 * factory". Running the diagnostic again restores it.
 */
const applyMigrations: Handler = async (params, context) => {
  const result = (await (
    await engineMethod(context, 'applyMigrations')
  )(params)) as { appliedMigrationNames: string[] };
  if (result.appliedMigrationNames.length > 0 && context.state.lastDevDiagnostic)
    await (await engineMethod(context, 'devDiagnostic'))(context.state.lastDevDiagnostic);
  return result;
};

/**
 * The native engine prints `migrate diff` output by asking the CLI to print it (a request the
 * other way); the wasm engine returns it instead. Forwarded the native way.
 */
const diff: Handler = async (params, context) => {
  const result = (await forwardToEngine('diff', params, context)) as { exitCode: number; stdout: string | null };
  if (result.stdout) await context.server.requestCli('print', { content: result.stdout.replace(/\n$/, '') });
  return { exitCode: result.exitCode, stdout: null };
};

/** The methods the stand-in answers itself; every other one is forwarded. */
export const HANDLERS: Readonly<Record<string, Handler>> = {
  createDatabase: createDatabaseHandler,
  dbExecute,
  getDatabaseVersion,
  devDiagnostic,
  applyMigrations,
  diff,
};
