/**
 * What Prisma's native engine writes for PostgreSQL extensions when it compares two schemas, from
 * its source (prisma-engines: the postgres schema differ's `push_extension_steps`, the differ
 * database's extension pairs and `extensions_match`, the postgres renderer, and
 * `SqlMigration::drift_summary`), so that the wasm stand-in writes the same (extensions.ts):
 *
 * - a declared extension the other side lacks: `CREATE EXTENSION IF NOT EXISTS "name"` with
 *   `WITH SCHEMA "s"` and `VERSION "v"` where declared;
 * - one on both sides whose version or schema differ (both given): `ALTER EXTENSION … UPDATE TO`
 *   / `SET SCHEMA` when either side says it is relocatable, else DROP EXTENSION and CREATE again;
 * - one only on the old side: nothing. The native engine never drops an extension it was not
 *   told about, so extensions a managed host preinstalls are left alone.
 *
 * Steps come in the native order (drops, creates, alters; each by its position in its side's
 * list), before every other step but CREATE SCHEMA. Pure functions: the table of cases is
 * test/kit/schema-engine/extension-steps.test.ts.
 */
import { quoteIdentifier } from '../../sql/quote-identifier.ts';

export interface Extension {
  name: string;
  /** Empty when not known (a declaration without `schema:`). */
  schema: string;
  /** Empty when not known (a declaration without `version:`). */
  version: string;
  relocatable: boolean;
}

export type ExtensionStep =
  | { kind: 'DropExtension'; name: string; order: number }
  | { kind: 'CreateExtension'; extension: Extension; order: number }
  | { kind: 'AlterExtension'; name: string; version?: string; schema?: string; order: number };

const KIND_ORDER = ['DropExtension', 'CreateExtension', 'AlterExtension'] as const;

const agrees = (a: string, b: string) => a === b || a === '' || b === '';

/** The steps from `previous` to `next`, in the order the native engine puts them. */
export function extensionSteps(previous: Extension[], next: Extension[]): ExtensionStep[] {
  const steps: ExtensionStep[] = [];
  previous.forEach((old, oldIndex) => {
    const nextIndex = next.findIndex((candidate) => candidate.name === old.name);
    const wanted = next[nextIndex];
    if (!wanted || (agrees(old.version, wanted.version) && agrees(old.schema, wanted.schema))) return;
    if (old.relocatable || wanted.relocatable) {
      const changed = (a: string, b: string) => a !== '' && b !== '' && a !== b;
      steps.push({
        kind: 'AlterExtension',
        name: old.name,
        ...(changed(old.version, wanted.version) ? { version: wanted.version } : {}),
        ...(changed(old.schema, wanted.schema) ? { schema: wanted.schema } : {}),
        order: oldIndex,
      });
    } else {
      steps.push({ kind: 'DropExtension', name: old.name, order: oldIndex });
      steps.push({ kind: 'CreateExtension', extension: wanted, order: nextIndex });
    }
  });
  next.forEach((wanted, nextIndex) => {
    if (!previous.some((old) => old.name === wanted.name))
      steps.push({ kind: 'CreateExtension', extension: wanted, order: nextIndex });
  });
  return steps.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.order - b.order);
}

function statements(step: ExtensionStep): string[] {
  if (step.kind === 'DropExtension') return [`DROP EXTENSION ${quoteIdentifier(step.name)}`];
  if (step.kind === 'AlterExtension') {
    return [
      ...(step.version
        ? [`ALTER EXTENSION ${quoteIdentifier(step.name)} UPDATE TO ${quoteIdentifier(step.version)}`]
        : []),
      ...(step.schema
        ? [`ALTER EXTENSION ${quoteIdentifier(step.name)} SET SCHEMA ${quoteIdentifier(step.schema)}`]
        : []),
    ];
  }
  const { name, schema, version } = step.extension;
  // The native renderer quotes the version as an identifier too: VERSION "1.1".
  const clauses = [
    ...(schema ? [` SCHEMA ${quoteIdentifier(schema)}`] : []),
    ...(version ? [` VERSION ${quoteIdentifier(version)}`] : []),
  ];
  return [`CREATE EXTENSION IF NOT EXISTS ${quoteIdentifier(name)}${clauses.length ? ` WITH${clauses.join('')}` : ''}`];
}

/** The steps as blocks of a migration script (`-- CreateExtension\nCREATE …;`), without a trailing newline. */
export function scriptBlocks(steps: ExtensionStep[]): string[] {
  return steps.map(
    (step) =>
      `-- ${step.kind}\n${statements(step)
        .map((sql) => `${sql};`)
        .join('\n')}`,
  );
}

/** The statements alone, to run them (`db push`). */
export function stepStatements(steps: ExtensionStep[]): string[] {
  return steps.flatMap(statements);
}

/**
 * The extension part of a drift summary, as `drift_summary` renders it: sections sorted by kind
 * (changed, removed, added) then name, with the "Added extensions" heading repeated for each name
 * (the native renderer starts a section whenever the item's name changes). Empty without steps.
 */
export function summaryText(steps: ExtensionStep[]): string {
  const items = steps
    .map((step) =>
      step.kind === 'AlterExtension'
        ? { rank: 0, name: step.name, text: `\n[*] Changed the \`${step.name}\` extension\n` }
        : step.kind === 'DropExtension'
          ? { rank: 1, name: step.name, text: '\n[-] Removed extensions\n' }
          : { rank: 2, name: step.extension.name, text: `\n[+] Added extensions\n  - ${step.extension.name}\n` },
    )
    .sort((a, b) => a.rank - b.rank || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return items.map((item) => item.text).join('');
}

const EMPTY_MIGRATION = '-- This is an empty migration.';

/**
 * A script the engine wrote (a migration file, or `migrate diff --script` output) with the
 * extension steps in their native place: after the CREATE SCHEMA steps, before everything else.
 * The engine's "empty migration" comment gives way to them.
 */
export function withExtensionSteps(script: string, steps: ExtensionStep[]): string {
  if (steps.length === 0) return script;
  const body = script.replace(/\n+$/, '');
  const trailing = script.slice(body.length) || '\n';
  if (body.trim() === EMPTY_MIGRATION) return `${scriptBlocks(steps).join('\n\n')}${trailing}`;
  // Steps are separated by a blank line before their `-- Name` comment (a CREATE TABLE holds
  // blank lines of its own, never followed by such a comment).
  const blocks = body.split(/\n\n(?=-- [A-Za-z]+\n)/);
  const schemas = blocks.findIndex((block) => !block.startsWith('-- CreateSchema\n'));
  const at = schemas === -1 ? blocks.length : schemas;
  blocks.splice(at, 0, ...scriptBlocks(steps));
  return `${blocks.join('\n\n')}${trailing}`;
}
