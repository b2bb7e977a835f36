/**
 * Renames that schema.prisma proves: a field whose `@map("…")` names another column than on the
 * main branch, in a model that keeps its table. Prisma writes that as `DROP COLUMN` + `ADD
 * COLUMN` (every value lost), and only there does the schema say, without a person, that the
 * two are one column renamed, so only there does `migrate:lint -- --fix` rewrite it into
 * expand and contract on its own (rename-by-expand-contract.ts); elsewhere it asks for --rename.
 */
import { relative } from 'node:path';
import { forkPoint, git } from '../git.ts';
import { readFileSync } from 'node:fs';
import type { KitSettings } from '../settings.ts';
import type { Rename } from './rename-by-expand-contract.ts';

/** Each model's table and its scalar fields' columns: `Post` → { table: 'posts', columns: { body: 'content' } }. */
function tablesAndColumns(schema: string): Map<string, { table: string; columns: Map<string, string> }> {
  const models = new Map<string, { table: string; columns: Map<string, string> }>();
  for (const [, model, body] of schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const table = /@@map\("([^"]+)"\)/.exec(body!)?.[1] ?? model!;
    const columns = new Map<string, string>();
    for (const line of body!.split('\n')) {
      const field = /^\s*(\w+)\s+\w+(\[\])?\??(\s|$)/.exec(line);
      if (!field || line.includes('@relation') || /^\s*\/\//.test(line)) continue;
      columns.set(field[1]!, /@map\("([^"]+)"\)/.exec(line)?.[1] ?? field[1]!);
    }
    models.set(model!, { table, columns });
  }
  return models;
}

/** The column renames schema.prisma makes against `base` (where this branch left it). */
export function renamesInSchema(base: string, { root, schema }: Pick<KitSettings, 'root' | 'schema'>): Rename[] {
  // `<commit>:./<path>`: the path from the working directory, the project root here.
  const before = git(['show', `${forkPoint(base, root)}:./${relative(root, schema)}`], root);
  if (!before.ok) return [];
  const was = tablesAndColumns(before.out);
  const is = tablesAndColumns(readFileSync(schema, 'utf8'));
  const renames: Rename[] = [];
  for (const [model, now] of is) {
    const then = was.get(model);
    if (!then || then.table !== now.table) continue;
    for (const [field, column] of now.columns) {
      const old = then.columns.get(field);
      if (old && old !== column) renames.push({ table: now.table, from: old, to: column });
    }
  }
  return renames;
}
