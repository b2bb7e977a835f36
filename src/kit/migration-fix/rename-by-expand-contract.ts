/**
 * `migrate:lint -- --fix --rename posts.body:posts.content`: a renamed field that Prisma
 * generated as `DROP COLUMN "body", ADD COLUMN "content"` (every value of body lost) becomes the
 * expand half of a rename: the new column beside the old one with a trigger that keeps them equal
 * (migrate:new's rename-expand), a backfill job that copies the older rows, and, for a required
 * field, the phased NOT NULL steps after it. The contract half (drop the old column and the
 * trigger) ships a release later: the fix prints the command. Only a person, or schema.prisma
 * (a field whose @map changed: renames-in-schema.ts), can say a drop and an add are a rename, so
 * it happens only then (the linter's drop-and-add-looks-like-rename asks).
 */
import { FixError } from './fix-error.ts';
import { PATTERNS } from '../migration-scaffold/templates.ts';
import { lastName, type Node, type ParsedStatement, relationName } from '../sql/parse-statements.ts';
import { quoteIdentifier } from '../sql/quote-identifier.ts';
import { jobExportName } from '../backfill/list-backfill-job.ts';

export interface Rename {
  table: string;
  from: string;
  to: string;
}

/** `posts.body:posts.content` → a Rename; one line naming the form otherwise. */
export function parseRename(text: string): Rename {
  const match = /^([\w$]+)\.([\w$]+):([\w$]+)\.([\w$]+)$/.exec(text);
  if (!match || match[1] !== match[3])
    throw new FixError(
      `--rename ${text}: write it as <table>.<old column>:<table>.<new column>, one table, e.g. --rename posts.body:posts.content`,
    );
  return { table: match[1]!, from: match[2]!, to: match[4]! };
}

/** The SQL of a column's type as the parser read it: `varchar(200)`, `"PostStatus"`, `int4[]`. */
function typeSql(typeName: Node): string {
  const names: string[] = (typeName.names ?? []).map((name: Node) => name.String?.sval);
  // Built-in types come as pg_catalog.int4 and the like; a plain lowercase name reads the same
  // unquoted (text), any other one (an enum Prisma named "PostStatus") needs its quotes.
  const plain = (part: string) => (/^[a-z_][a-z0-9_]*$/.test(part) ? part : quoteIdentifier(part));
  const name = names[0] === 'pg_catalog' ? lastName(typeName.names)! : names.map(plain).join('.');
  const modifiers = (typeName.typmods ?? []).map((mod: Node) => mod.A_Const?.ival?.ival ?? 0);
  const arrays = (typeName.arrayBounds ?? []).map(() => '[]').join('');
  return `${name}${modifiers.length > 0 ? `(${modifiers.join(',')})` : ''}${arrays}`;
}

export interface RenameRewrite {
  /** Lines of the file that the rewrite replaces (the ALTERs that dropped and added). */
  lines: number[];
  next: Array<{ suffix: string; sql: string }>;
  job: { file: string; source: string };
  change: string;
}

/**
 * The rewrite of `rename` in this file, undefined when the file doesn't drop `from` and add `to`
 * on the table; a refusal (string) when the ALTERs that do also change anything else.
 */
export function renameRewrite(
  statements: ParsedStatement[],
  rename: Rename,
  migration: string,
): RenameRewrite | string | undefined {
  const { table, from, to } = rename;
  const onTable = statements.filter(
    (statement) =>
      statement.kind === 'AlterTableStmt' && relationName(statement.body.relation).split('.').at(-1) === table,
  );
  const commands = onTable.flatMap((statement) =>
    (statement.body.cmds ?? []).map((cmd: Node) => ({ statement, cmd: cmd.AlterTableCmd as Node })),
  );
  const drop = commands.find(({ cmd }) => cmd.subtype === 'AT_DropColumn' && cmd.name === from);
  const add = commands.find(({ cmd }) => cmd.subtype === 'AT_AddColumn' && cmd.def.ColumnDef.colname === to);
  if (!drop || !add) return undefined;
  const touched = new Set([drop.statement, add.statement]);
  const others = commands.filter(({ statement, cmd }) => touched.has(statement) && cmd !== drop.cmd && cmd !== add.cmd);
  if (others.length > 0)
    return `line ${drop.statement.line}: --rename ${table}.${from}:${table}.${to}: the ALTER that drops ${from} changes more than the rename; split it into ALTERs of their own first`;

  const column: Node = add.cmd.def.ColumnDef;
  const required = (column.constraints ?? []).some((c: Node) => c.Constraint.contype === 'CONSTR_NOTNULL');
  const name = `${migration.replace(/^\d{14}_/, '')}_${to}`;
  const job = `${table}-${to}`.replace(/_/g, '-');
  const expand = PATTERNS['rename-expand']!.build(`rename_expand_${to}`, {
    table,
    column: from,
    to,
    type: typeSql(column.typeName),
  });
  const tighten = required ? PATTERNS['not-null']!.build(`${to}_required`, { table, column: to, backfill: job }) : [];
  return {
    lines: [...touched].map((statement) => statement.line),
    next: [...expand, ...tighten].map((step) => ({ suffix: step.name, sql: step.sql })),
    job: { file: `${job}.ts`, source: copyJob({ job, table, from, to, migration: name }) },
    change:
      `line ${drop.statement.line}: ${table}.${from} → ${to} by expand and contract, not drop and add: ${to} is added beside ${from} with a trigger that keeps both equal` +
      `${required ? ', then made NOT NULL in phases' : ''}. In schema.prisma keep the old field (\`${from} … @ignore\`) and make the new one optional until those steps ran; ` +
      `${to}'s DEFAULT, if any, waits for the contract (the trigger fills it from ${from} only while it is NULL). ` +
      `Run src/backfills/${job}.ts (listed in src/backfills/index.ts) after this deploy. A release later: npm run migrate:new -- rename-contract ${table}_${from}_contract --table ${table} --column ${from} --to ${to}`,
  };
}

/** The backfill of a rename's older rows: unlike a NOT NULL stub, its value is known. */
function copyJob({
  job,
  table,
  from,
  to,
  migration,
}: {
  job: string;
  table: string;
  from: string;
  to: string;
  migration: string;
}) {
  const exportName = jobExportName(job);
  return `import type { SqlBackfillJob } from '#kit/backfill/job.ts';

/**
 * Step 2 of the ${table}.${from} → ${table}.${to} rename (docs/migrations/rename-expand-contract.md):
 * copies ${from} into ${to} for rows written before the sync trigger of ${migration} existed.
 * Written by \`npm run migrate:lint -- --fix --rename\`.
 */
export const ${exportName}: SqlBackfillJob = {
  name: '${job}',
  description: 'Copy ${table}.${from} into ${table}.${to} for rows from before the rename began',
  table: '${table}',
  key: 'id', // the primary key's column(s): ['tenant_id', 'id'] for a composite key
  pending: '${quoteIdentifier(to)} IS NULL AND ${quoteIdentifier(from)} IS NOT NULL',
  set: '${quoteIdentifier(to)} = ${quoteIdentifier(from)}',
};
`;
}
