/**
 * PostgreSQL extensions (`extensions = [...]`, the postgresqlExtensions preview feature) through
 * the wasm stand-in, as Prisma's native engine handles them.
 *
 * Why this exists: Prisma's wasm engine takes no preview features (its constructor has only the
 * schema files), so it never reads a database's extensions; handed the `extensions` property, it
 * would write another CREATE EXTENSION on every `migrate dev` and see drift forever. So the engine
 * gets every schema without that property, and the requests that compare a schema with a
 * database or a history are completed here, with the native engine's rules (extension-steps.ts):
 *
 * | request (command)                        | the old side            | the new side       | what is added            |
 * | ---------------------------------------- | ----------------------- | ------------------ | ------------------------ |
 * | createMigration, evaluateDataLoss (dev)  | the replayed history    | the declarations   | steps in the file, count |
 * | devDiagnostic (dev's drift check)        | the replayed history    | the database       | the drift summary        |
 * | diff (`migrate diff`)                    | its `--from-…`          | its `--to-…`       | script or summary, exit code |
 * | schemaPush (`db push`)                   | the database            | the declarations   | the statements, run first |
 * | introspect (`db pull`)                   | the database            | (the declarations) | the `extensions` property |
 *
 * "The replayed history" is what the shadow database held after the engine replayed the
 * migrations into it, read just before it is dropped (pg-migration-adapter.ts). Requests that
 * only apply or read migration files (deploy, status, resolve, reset, db execute) never
 * compared extensions natively and pass through untouched.
 */
import type { Extension, ExtensionStep } from './extension-steps.ts';
import { extensionSteps, stepStatements, summaryText, withExtensionSteps } from './extension-steps.ts';
import { declaredExtensions, enablesExtensions, withoutExtensionsProperty } from './declared-extensions.ts';
import { installedExtensionsAt } from './installed-extensions.ts';
import { introspectedExtensionsList, withExtensionsProperty } from './introspected-extensions.ts';
import { withPgClient } from '../../db/pg-client.ts';

/** The start of the engine's drift reason, up to where its summary begins (checked against the engine in the test). */
export const DRIFT_HEADER =
  'Drift detected: Your database schema is not in sync with your migration history.\n\n' +
  'The following is a summary of the differences between the expected database schema given your migrations files, and the actual schema of the database.\n\n' +
  'It should be understood as the set of changes to get from the expected schema to the actual schema.\n';

const NO_DIFFERENCE = 'No difference detected.';

export interface ExtensionContext {
  /** The preview features the CLI passed; the schema files' generator blocks count too. */
  previewFeatures: string[];
  /** The schema files the engine was started with, as written. */
  engineSchemaTexts: string[];
  databaseUrl: string | undefined;
  /**
   * What the shadow database held after the engine's last replay of the history. The engine
   * replays in devDiagnostic (and `migrate diff --from-migrations`) and keeps that result for
   * the evaluateDataLoss and createMigration that follow, so this is the same history it diffs.
   */
  lastShadowExtensions(): Extension[] | undefined;
}

interface SchemaFile {
  path?: string;
  content?: string;
}
interface SchemaContainer {
  files?: SchemaFile[];
}
type DiffSide = { tag: string; url?: string } & SchemaContainer;
type Params = Record<string, unknown>;

/** The engine's schema files without the `extensions` property. */
export const engineDatamodels = (datamodels: Array<[string, string]>): Array<[string, string]> =>
  datamodels.map(([path, text]) => [path, withoutExtensionsProperty(text)]);

const textsOf = (container: SchemaContainer | undefined) => (container?.files ?? []).map((file) => file.content ?? '');

const stripped = (container: SchemaContainer | undefined): SchemaContainer | undefined =>
  container && {
    ...container,
    files: (container.files ?? []).map((file) => ({ ...file, content: withoutExtensionsProperty(file.content ?? '') })),
  };

/**
 * Whether a request compares extensions at all: the preview feature is on in the engine's schema,
 * the request's own schema or a `diff` side. Only then is a replay's shadow database read
 * (main.ts), so commands without extensions pay nothing for this module.
 */
export function requestUsesExtensions(params: Params, context: ExtensionContext): boolean {
  return enabled(
    context,
    textsOf(params.schema as SchemaContainer | undefined),
    textsOf(params.from as DiffSide | undefined),
    textsOf(params.to as DiffSide | undefined),
  );
}

function enabled(context: ExtensionContext, ...texts: string[][]): boolean {
  return (
    context.previewFeatures.includes('postgresqlExtensions') ||
    enablesExtensions([...context.engineSchemaTexts, ...texts.flat()])
  );
}

/** The declarations of a request's schema (the request's own, else the engine's). */
function declarations(context: ExtensionContext, schema: SchemaContainer | undefined): Extension[] {
  const texts = schema?.files?.length ? textsOf(schema) : context.engineSchemaTexts;
  return declaredExtensions(texts) ?? [];
}

function needsUrl(context: ExtensionContext): string {
  if (!context.databaseUrl) throw new Error('The stand-in needs the datasource URL to compare extensions.');
  return context.databaseUrl;
}

async function sideExtensions(side: DiffSide, context: ExtensionContext): Promise<Extension[]> {
  if (side.tag === 'url' && side.url) return installedExtensionsAt(side.url);
  if (side.tag === 'schemaDatamodel' || side.tag === 'schemaDatasource') return declarations(context, side);
  if (side.tag === 'migrations') return context.lastShadowExtensions() ?? [];
  return [];
}

/**
 * The steps from what the replayed history installed to what the schema declares: none while the
 * feature is off, or when no replay was read (then nothing is known to differ).
 */
function historyToDeclarations(context: ExtensionContext, schema: SchemaContainer | undefined): ExtensionStep[] {
  const replayed = context.lastShadowExtensions();
  if (!replayed || !enabled(context, textsOf(schema))) return [];
  return extensionSteps(replayed, declarations(context, schema));
}

/** The drift reason with the extension sections first, as the native summary orders them. */
function withDrift(action: { tag: string; reason?: string }, steps: ExtensionStep[]) {
  if (steps.length === 0) return action;
  if (action.tag === 'createMigration') return { tag: 'reset', reason: `${DRIFT_HEADER}${summaryText(steps)}` };
  if (!action.reason?.startsWith(DRIFT_HEADER)) return action;
  return { ...action, reason: `${DRIFT_HEADER}${summaryText(steps)}${action.reason.slice(DRIFT_HEADER.length)}` };
}

/**
 * Runs one engine request with the extensions reconciled. `call` sends params to the engine's
 * method of the same name. Requests of other methods, and all of them while the preview
 * feature is off, go through unchanged.
 */
export async function callWithExtensions(
  method: string,
  params: Params,
  call: (params: Params) => Promise<unknown>,
  context: ExtensionContext,
): Promise<unknown> {
  const schema = params.schema as SchemaContainer | undefined;
  switch (method) {
    case 'createMigration': {
      const input = { ...params, schema: stripped(schema) };
      const result = (await call(input)) as { migrationScript: string | null };
      const steps = historyToDeclarations(context, schema);
      if (steps.length === 0) return result;
      // With nothing else to do the engine writes no file; as a draft it names one and leaves it empty.
      const named = (result.migrationScript === null ? await call({ ...input, draft: true }) : result) as {
        migrationScript: string;
      };
      return { ...named, migrationScript: withExtensionSteps(named.migrationScript, steps) };
    }
    case 'evaluateDataLoss': {
      const result = (await call({ ...params, schema: stripped(schema) })) as { migrationSteps: number };
      return { ...result, migrationSteps: result.migrationSteps + historyToDeclarations(context, schema).length };
    }
    case 'devDiagnostic': {
      const result = (await call(params)) as { action: { tag: string; reason?: string } };
      const shadow = context.lastShadowExtensions();
      if (!enabled(context) || !shadow) return result;
      const steps = extensionSteps(shadow, await installedExtensionsAt(needsUrl(context)));
      return { ...result, action: withDrift(result.action, steps) };
    }
    case 'diff': {
      const from = params.from as DiffSide;
      const to = params.to as DiffSide;
      const input = { ...params, from: { ...from, ...stripped(from) }, to: { ...to, ...stripped(to) } };
      const result = (await call(input)) as { exitCode: number; stdout: string | null };
      if (!enabled(context, textsOf(from), textsOf(to))) return result;
      const steps = extensionSteps(await sideExtensions(from, context), await sideExtensions(to, context));
      if (steps.length === 0 || result.stdout === null) return result;
      const stdout = params.script
        ? withExtensionSteps(result.stdout, steps)
        : `${summaryText(steps)}${result.stdout.trim() === NO_DIFFERENCE ? '' : result.stdout}`;
      return { exitCode: params.exitCode ? 2 : result.exitCode, stdout };
    }
    case 'schemaPush': {
      if (enabled(context, textsOf(schema))) {
        const url = needsUrl(context);
        const steps = extensionSteps(await installedExtensionsAt(url), declarations(context, schema));
        await withPgClient(url, async (client) => {
          for (const statement of stepStatements(steps)) await client.query(statement);
        });
        const result = (await call({ ...params, schema: stripped(schema) })) as { executedSteps: number };
        return { ...result, executedSteps: result.executedSteps + steps.length };
      }
      return call(params);
    }
    case 'introspect': {
      const result = (await call({ ...params, schema: stripped(schema) })) as { schema: SchemaContainer };
      if (!enabled(context, textsOf(schema))) return result;
      const list = introspectedExtensionsList(
        await installedExtensionsAt(needsUrl(context)),
        declarations(context, schema),
      );
      if (!list) return result;
      const files = (result.schema.files ?? []).map((file) =>
        /datasource\s+\w+\s*\{/.test(file.content ?? '')
          ? { ...file, content: withExtensionsProperty(file.content ?? '', list) }
          : file,
      );
      return { ...result, schema: { ...result.schema, files } };
    }
    default:
      return call(params);
  }
}
