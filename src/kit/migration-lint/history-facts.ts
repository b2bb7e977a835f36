/**
 * What the migrations before a statement established, as far as the linter's verdicts depend on
 * it: which NOT NULL checks are validated (SET NOT NULL then skips its scan) and each column's
 * type (a type change that only widens rewrites nothing), and which indexes and foreign keys exist
 * (a foreign key wants an index that leads with its columns). One file alone can't say any of
 * it; the linter reads the history oldest first and carries these facts along.
 */
import type { Node, ParsedStatement } from '../sql/parse-statements.ts';
import { alterCommands, effectiveStatements, lastName } from '../sql/parse-statements.ts';

/** A column's type as declared: `varchar` with `[255]`, `timestamptz` with `[3]`, `text` with `[]`. */
export interface ColumnType {
  name: string;
  modifiers: number[];
}

export interface HistoryFacts {
  /** `table.column` keys of validated `CHECK (column IS NOT NULL)` constraints. */
  validatedNotNull: Set<string>;
  /** Checks added NOT VALID, by constraint name → `table.column`, that a later VALIDATE completes. */
  notValidNotNull: Map<string, string>;
  /** `table.column` → its type, from CREATE TABLE, ADD COLUMN and ALTER … TYPE. */
  columnTypes: Map<string, ColumnType>;
  /**
   * Every index, primary key and unique constraint, by name (or `table(columns)` when it has
   * none): its table and its columns in order, `undefined` for an expression.
   */
  indexes: Map<string, TableIndex>;
  /** `table.constraint` names of the foreign keys that exist. */
  foreignKeys: Set<string>;
}

export interface TableIndex {
  table: string;
  columns: Array<string | undefined>;
}

export const noHistoryFacts = (): HistoryFacts => ({
  validatedNotNull: new Set(),
  notValidNotNull: new Map(),
  columnTypes: new Map(),
  indexes: new Map(),
  foreignKeys: new Set(),
});

export const copyFacts = (facts: HistoryFacts): HistoryFacts => ({
  validatedNotNull: new Set(facts.validatedNotNull),
  notValidNotNull: new Map(facts.notValidNotNull),
  columnTypes: new Map(facts.columnTypes),
  indexes: new Map(facts.indexes),
  foreignKeys: new Set(facts.foreignKeys),
});

export function columnType(typeName: Node | undefined): ColumnType | undefined {
  const name = lastName(typeName?.names);
  if (!name) return undefined;
  const modifiers = (typeName!.typmods ?? []).map((mod: Node) => Number(mod.A_Const?.ival?.ival ?? Number.NaN));
  return { name, modifiers };
}

/** The column a `CHECK (column IS NOT NULL)` is about. */
function notNullCheckColumn(constraint: Node): string | undefined {
  const test = constraint.raw_expr?.NullTest;
  if (constraint.contype !== 'CONSTR_CHECK' || test?.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const fields: Node[] = test.arg?.ColumnRef?.fields ?? [];
  return fields.length === 1 ? fields[0]!.String?.sval : undefined;
}

const names = (list: Node[] | undefined): string[] => (list ?? []).map((name: Node) => name.String?.sval);

/** A foreign key a statement adds, named as PostgreSQL names it when the statement doesn't. */
export interface AddedForeignKey {
  /** `table.constraint`, the key of HistoryFacts.foreignKeys. */
  key: string;
  table: string;
  columns: string[];
  parent: string;
}

function foreignKeyOf(table: string, constraint: Node | undefined, column?: string): AddedForeignKey[] {
  if (constraint?.contype !== 'CONSTR_FOREIGN') return [];
  const columns = column ? [column] : names(constraint.fk_attrs);
  const name = constraint.conname ?? `${table}_${columns.join('_')}_fkey`;
  return [{ key: `${table}.${name}`, table, columns, parent: constraint.pktable?.relname }];
}

/** The foreign keys a statement adds: CREATE TABLE's, ADD COLUMN … REFERENCES, ADD CONSTRAINT. */
export function addedForeignKeys(statement: ParsedStatement): AddedForeignKey[] {
  const table: string | undefined = statement.body.relation?.relname;
  if (!table) return [];
  const inline = (column: Node | undefined) =>
    (column?.constraints ?? []).flatMap((constraint: Node) =>
      foreignKeyOf(table, constraint.Constraint, column!.colname),
    );
  if (statement.kind === 'CreateStmt')
    return (statement.body.tableElts ?? []).flatMap((element: Node) => [
      ...foreignKeyOf(table, element.Constraint),
      ...inline(element.ColumnDef),
    ]);
  return alterCommands(statement).flatMap((cmd) =>
    cmd.subtype === 'AT_AddConstraint'
      ? foreignKeyOf(table, cmd.def.Constraint)
      : cmd.subtype === 'AT_AddColumn'
        ? inline(cmd.def.ColumnDef)
        : [],
  );
}

/** Records the index a PRIMARY KEY or UNIQUE constraint builds (one USING INDEX takes over is already known). */
function collectConstraintIndex(table: string, constraint: Node, facts: HistoryFacts, column?: string): void {
  if (constraint.contype !== 'CONSTR_PRIMARY' && constraint.contype !== 'CONSTR_UNIQUE') return;
  if (constraint.indexname) return;
  const columns = column ? [column] : names(constraint.keys);
  facts.indexes.set(constraint.conname ?? `${table}(${columns.join(',')})`, { table, columns });
}

function collectFromAlter(table: string, cmd: Node, facts: HistoryFacts): void {
  switch (cmd.subtype) {
    case 'AT_DropConstraint':
      facts.indexes.delete(cmd.name);
      facts.foreignKeys.delete(`${table}.${cmd.name}`);
      break;
    case 'AT_ValidateConstraint': {
      const key = facts.notValidNotNull.get(cmd.name);
      if (key) facts.validatedNotNull.add(key);
      break;
    }
    case 'AT_AddConstraint': {
      const constraint = cmd.def.Constraint;
      collectConstraintIndex(table, constraint, facts);
      const column = notNullCheckColumn(constraint);
      if (!column) break;
      if (constraint.skip_validation) facts.notValidNotNull.set(constraint.conname, `${table}.${column}`);
      else facts.validatedNotNull.add(`${table}.${column}`);
      break;
    }
    case 'AT_AddColumn':
    case 'AT_AlterColumnType': {
      const column = cmd.def.ColumnDef;
      const type = columnType(column.typeName);
      const key = `${table}.${column.colname ?? cmd.name}`;
      if (type) facts.columnTypes.set(key, type);
      if (cmd.subtype === 'AT_AddColumn')
        for (const { Constraint: inline } of column.constraints ?? [])
          collectConstraintIndex(table, inline, facts, column.colname);
      break;
    }
    case 'AT_DropColumn':
      facts.columnTypes.delete(`${table}.${cmd.name}`);
      break;
  }
}

/** Adds what these statements establish (DO bodies included) to `facts`. */
export function collectFacts(statements: ParsedStatement[], facts: HistoryFacts): void {
  for (const statement of statements.flatMap(effectiveStatements)) {
    const { kind, body } = statement;
    const table: string | undefined = body.relation?.relname;
    if (kind === 'CreateStmt' && table) {
      for (const { ColumnDef: column, Constraint: constraint } of body.tableElts ?? []) {
        if (constraint) collectConstraintIndex(table, constraint, facts);
        if (!column) continue;
        const type = columnType(column.typeName);
        if (type) facts.columnTypes.set(`${table}.${column.colname}`, type);
        for (const { Constraint: inline } of column.constraints ?? [])
          collectConstraintIndex(table, inline, facts, column.colname);
      }
    }
    if (kind === 'IndexStmt' && table) {
      const columns = (body.indexParams ?? []).map((param: Node) => param.IndexElem?.name as string | undefined);
      facts.indexes.set(body.idxname ?? `${table}(${columns.join(',')})`, { table, columns });
    }
    if (kind === 'DropStmt' && body.removeType === 'OBJECT_INDEX') {
      for (const object of body.objects ?? []) facts.indexes.delete(names(object.List?.items).at(-1)!);
    }
    if (kind === 'DropStmt' && body.removeType === 'OBJECT_TABLE') {
      const dropped = new Set((body.objects ?? []).map((object: Node) => names(object.List?.items).at(-1)));
      for (const [name, index] of facts.indexes) if (dropped.has(index.table)) facts.indexes.delete(name);
      for (const key of facts.foreignKeys) if (dropped.has(key.split('.')[0])) facts.foreignKeys.delete(key);
    }
    for (const foreignKey of addedForeignKeys(statement)) facts.foreignKeys.add(foreignKey.key);
    if (kind === 'RenameStmt' && body.renameType === 'OBJECT_COLUMN' && table) {
      const type = facts.columnTypes.get(`${table}.${body.subname}`);
      facts.columnTypes.delete(`${table}.${body.subname}`);
      if (type) facts.columnTypes.set(`${table}.${body.newname}`, type);
    }
    if (table) for (const cmd of alterCommands(statement)) collectFromAlter(table, cmd, facts);
  }
}

/** Types whose modifier is a length or a precision that can only grow without a rewrite. */
const GROWS_IN_PLACE = new Set(['varchar', 'varbit', 'timestamp', 'timestamptz', 'time', 'timetz', 'interval']);

/**
 * True when changing `from` to `to` rewrites nothing and scans nothing (PostgreSQL's ALTER TABLE
 * reference, and strong_migrations' list of safe type changes): a longer varchar or none, varchar
 * to text, a higher timestamp/time/interval precision or none, more numeric digits at the same
 * scale, cidr to inet. Anything else is reported as the rewrite it may be.
 */
export function onlyWidens(from: ColumnType, to: ColumnType): boolean {
  const [fromMod, fromScale] = from.modifiers;
  const [toMod, toScale] = to.modifiers;
  if (from.name === 'varchar' && to.name === 'text') return true;
  if (from.name === 'cidr' && to.name === 'inet') return true;
  if (from.name !== to.name) return false;
  if (to.modifiers.length === 0) return from.name === 'numeric' || GROWS_IN_PLACE.has(from.name);
  if (from.modifiers.length === 0) return false;
  if (from.name === 'numeric') return toScale === fromScale && toMod! >= fromMod!;
  return GROWS_IN_PLACE.has(from.name) && toMod! >= fromMod!;
}
