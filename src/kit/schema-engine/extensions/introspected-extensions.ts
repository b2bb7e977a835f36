/**
 * The `extensions = [...]` property `prisma db pull` writes, by the rules of Prisma's native
 * introspection renderer (prisma-engines: introspection/rendering/postgres.rs): only with the
 * preview feature on; for each extension the database has (by name), the ones the schema
 * declared keep their place with `version:` and `schema:` where the schema gave them (the
 * database's value when it differs), undeclared ones are added only if they are citext,
 * postgis, pg_crypto or uuid-ossp (with their schema); no property at all when nothing is left.
 */
import type { Extension } from './extension-steps.ts';

const ADDED_WITHOUT_DECLARATION = new Set(['citext', 'postgis', 'pg_crypto', 'uuid-ossp']);

/** A Prisma schema string literal: its escapes are JSON's. */
const text = (value: string) => JSON.stringify(value);

function entry(installed: Extension, declared: Extension | undefined): string {
  const valid = /^[A-Za-z][A-Za-z0-9_]*$/.test(installed.name);
  const args = valid ? [] : [`map: ${text(installed.name)}`];
  if (declared) {
    if (declared.version) args.push(`version: ${text(installed.version)}`);
    if (declared.schema) args.push(`schema: ${text(installed.schema)}`);
  } else {
    args.push(`schema: ${text(installed.schema)}`);
  }
  const identifier = valid ? installed.name : installed.name.replace(/[^A-Za-z0-9_]/g, '_');
  return args.length ? `${identifier}(${args.join(', ')})` : identifier;
}

/** The property's value (`[citext(schema: "public"), pg_trgm]`), or undefined when it has no entries. */
export function introspectedExtensionsList(installed: Extension[], declared: Extension[]): string | undefined {
  const entries = installed.flatMap((extension) => {
    const previous = declared.find((candidate) => candidate.name === extension.name);
    return previous || ADDED_WITHOUT_DECLARATION.has(extension.name) ? [entry(extension, previous)] : [];
  });
  return entries.length ? `[${entries.join(', ')}]` : undefined;
}

/**
 * The schema text with `extensions = <list>` as the last property of its datasource block, the
 * block's `=` signs aligned again as Prisma's formatter aligns them.
 */
export function withExtensionsProperty(schemaText: string, list: string): string {
  return schemaText.replace(
    /(datasource\s+\w+\s*\{\n)([\s\S]*?)(\n\})/,
    (_block, open: string, body: string, close: string) => {
      const lines = [...body.split('\n'), `  extensions = ${list}`];
      const property = /^(\s*)(\w+)\s*=\s*(.*)$/;
      const width = Math.max(...lines.map((line) => property.exec(line)?.[2]?.length ?? 0));
      const aligned = lines.map((line) => {
        const match = property.exec(line);
        return match ? `${match[1]}${(match[2] as string).padEnd(width)} = ${match[3]}` : line;
      });
      return `${open}${aligned.join('\n')}${close}`;
    },
  );
}
