/**
 * The `extensions = [...]` property of a schema's datasource block (the postgresqlExtensions
 * preview feature), read the way Prisma's schema calculator reads it: each entry's database name
 * (its `map:` argument, else its identifier), and its `schema:` and `version:` arguments, empty
 * when not given. The stand-in hands Prisma's wasm engine the schema without this property (the
 * engine can't compare it with a database: extensions.ts says why) and reconciles the extensions
 * itself from these declarations.
 */
import type { Extension } from './extension-steps.ts';

const FEATURE = /previewFeatures\s*=\s*\[[^\]]*"postgresqlExtensions"/;
const DATASOURCE = /datasource\s+\w+\s*\{/g;

/** Whether one of these schema files enables the preview feature (the native engine then reads extensions). */
export function enablesExtensions(schemaTexts: string[]): boolean {
  return schemaTexts.some((text) => FEATURE.test(withoutComments(text)));
}

/** `//` comments blanked out, so that a commented-out property is not read. */
function withoutComments(text: string): string {
  return text.replace(/\/\/[^\n]*/g, (comment) => ' '.repeat(comment.length));
}

interface PropertySpan {
  start: number;
  end: number;
  list: string;
}

/** Where the `extensions = [ … ]` property is in the datasource block, if it has one. */
function extensionsProperty(text: string): PropertySpan | undefined {
  const blanked = withoutComments(text);
  for (const datasource of blanked.matchAll(DATASOURCE)) {
    const bodyStart = datasource.index + datasource[0].length;
    const bodyEnd = blanked.indexOf('}', bodyStart);
    const property = /^[ \t]*extensions\s*=\s*\[/m.exec(blanked.slice(bodyStart, bodyEnd));
    if (!property) continue;
    const start = bodyStart + property.index;
    const open = start + property[0].length - 1;
    let depth = 0;
    let inString = false;
    for (let at = open; at < blanked.length; at += 1) {
      const char = blanked[at];
      if (inString) {
        if (char === '\\') at += 1;
        else if (char === '"') inString = false;
      } else if (char === '"') inString = true;
      else if (char === '[') depth += 1;
      else if (char === ']' && --depth === 0) {
        const lineEnd = blanked.indexOf('\n', at);
        return { start, end: lineEnd === -1 ? blanked.length : lineEnd + 1, list: blanked.slice(open + 1, at) };
      }
    }
  }
  return undefined;
}

/** Splits `a, b(x: "1", y: "2")` at the commas that are not inside parentheses or strings. */
function entries(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let current = '';
  for (let at = 0; at < list.length; at += 1) {
    const char = list[at] as string;
    if (inString) {
      if (char === '\\') {
        current += char + (list[at + 1] ?? '');
        at += 1;
        continue;
      }
      if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '(') depth += 1;
    else if (char === ')') depth -= 1;
    else if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter(Boolean);
}

function declaration(entry: string): Extension {
  const match = /^([A-Za-z_][\w]*)\s*(?:\(([\s\S]*)\))?$/.exec(entry);
  if (!match) throw new Error(`Unreadable entry in extensions = [...]: ${entry}`);
  const args = new Map(
    [...(match[2] ?? '').matchAll(/(\w+)\s*:\s*"((?:[^"\\]|\\.)*)"/g)].map((arg) => [arg[1], arg[2]]),
  );
  return {
    name: args.get('map') ?? (match[1] as string),
    schema: args.get('schema') ?? '',
    version: args.get('version') ?? '',
    relocatable: false, // unknown in a schema file; the native calculator says false too
  };
}

/**
 * The extensions a set of schema files declares, in the order written; undefined when the
 * preview feature is off (the native engine then ignores extensions on both sides).
 */
export function declaredExtensions(schemaTexts: string[]): Extension[] | undefined {
  if (!enablesExtensions(schemaTexts)) return undefined;
  return schemaTexts.flatMap((text) => {
    const property = extensionsProperty(text);
    return property ? entries(property.list).map(declaration) : [];
  });
}

/** The schema text without its `extensions = [...]` property (the text is unchanged without one). */
export function withoutExtensionsProperty(text: string): string {
  const property = extensionsProperty(text);
  return property ? text.slice(0, property.start) + text.slice(property.end) : text;
}
