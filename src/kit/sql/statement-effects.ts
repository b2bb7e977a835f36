/**
 * What a migration statement does to the tables it names: the lock it takes on each and the work
 * it does under that lock (catalog only, a scan, a rewrite, an index build, or every matching
 * row). Read from PostgreSQL's own parser (libpg-query, the server's parser compiled to wasm),
 * DO blocks included through its PL/pgSQL parser, never from the statement's text.
 *
 * Locks follow PostgreSQL 18's documentation of each command ("Explicit Locking" and the
 * ALTER TABLE reference), checked against what PostgreSQL does by the rehearsal
 * (test/kit/rehearsal/observed-vs-model.test.ts); where the work depends on data the parser can't
 * see (a type change that happens to be binary-coercible), the heavier reading is reported. What
 * depends on the catalog (an index's table, the foreign keys a change drops with their triggers
 * on the other table) comes from `catalog` when there is a database to read (catalog-facts.ts).
 */
import { type CatalogFacts, foreignKeysAround, NO_CATALOG } from './catalog-facts.ts';
import type {
  AlterTableStmt,
  ColumnDef,
  Constraint,
  ConstrType,
  CreateStmt,
  DropStmt,
  Node as PgNode,
  RangeVar,
} from '@pgsql/types';
import {
  hasOption,
  lastName,
  type NodeKind,
  type NodeOf,
  nodeAs,
  type ParsedStatement,
  relationName,
  SERIAL_TYPES,
} from './parse-statements.ts';

export type LockMode =
  | 'ACCESS EXCLUSIVE'
  | 'EXCLUSIVE'
  | 'SHARE ROW EXCLUSIVE'
  | 'SHARE'
  | 'SHARE UPDATE EXCLUSIVE'
  | 'ROW EXCLUSIVE';

/** catalog: milliseconds; scan/rewrite/build: as long as the table is big; rows: every matching row is written. */
export type Work = 'catalog' | 'scan' | 'rewrite' | 'build' | 'rows' | 'new table';

export interface TableEffect {
  /** As written: `posts`, `public.posts`. */
  table: string;
  lock: LockMode;
  work: Work;
  /** Short, for a person: `CREATE INDEX`, `ADD COLUMN slug`, `FOREIGN KEY → users`. */
  what: string;
  /** For SET NOT NULL: the scan is skipped when a validated CHECK (column IS NOT NULL) exists. */
  notNullColumn?: string;
  /** Only INSERT: takes ROW EXCLUSIVE, blocks nobody. */
  blocksNobody?: boolean;
}

/** Modes that conflict with ROW EXCLUSIVE, the lock every INSERT, UPDATE and DELETE takes. */
const BLOCKS_WRITES = new Set<LockMode>(['ACCESS EXCLUSIVE', 'EXCLUSIVE', 'SHARE ROW EXCLUSIVE', 'SHARE']);

export const blocksWrites = (effect: TableEffect) =>
  !effect.blocksNobody && (BLOCKS_WRITES.has(effect.lock) || effect.work === 'rows');

/** Work whose length grows with the table's size. */
export const growsWithTable = (effect: TableEffect) => ['scan', 'rewrite', 'build', 'rows'].includes(effect.work);

const VOLATILE_DEFAULTS = new Set([
  'random',
  'gen_random_uuid',
  'uuid_generate_v4',
  'uuidv4',
  'uuidv7',
  'nextval',
  'clock_timestamp',
  'timeofday',
]);

/** LockStmt's mode, by PostgreSQL's lock-mode number (storage/lockdefs.h). */
const LOCK_MODES: Record<number, LockMode> = {
  3: 'ROW EXCLUSIVE',
  4: 'SHARE UPDATE EXCLUSIVE',
  5: 'SHARE',
  6: 'SHARE ROW EXCLUSIVE',
  7: 'EXCLUSIVE',
  8: 'ACCESS EXCLUSIVE',
};

/** The constraints of a column definition, typed. */
const constraintsOf = (column: ColumnDef): Constraint[] =>
  (column.constraints ?? []).flatMap((node) => nodeAs(node, 'Constraint') ?? []);

const isOneOf = (constraint: Constraint, ...types: ConstrType[]) =>
  constraint.contype !== undefined && types.includes(constraint.contype);

/** `schema.table` of a node list naming a relation (DROP's objects): `["public", "posts"]`. */
const qualifiedName = (names: PgNode | undefined, dropLast = false) => {
  const items = (nodeAs(names, 'List')?.items ?? []).map((item) => nodeAs(item, 'String')?.sval ?? '');
  return (dropLast ? items.slice(0, -1) : items).join('.');
};

/** The work an added column causes: a rewrite when every row needs its own value. */
function addColumnWork(column: ColumnDef): { work: Work; note?: string } {
  if (SERIAL_TYPES.has(lastName(column.typeName?.names) ?? ''))
    return { work: 'rewrite', note: 'serial: a volatile default' };
  const constraints = constraintsOf(column);
  const defaultExpr = constraints.find((c) => c.contype === 'CONSTR_DEFAULT')?.raw_expr;
  const fn = lastName(nodeAs(defaultExpr, 'FuncCall')?.funcname);
  if (fn && VOLATILE_DEFAULTS.has(fn)) return { work: 'rewrite', note: `volatile default ${fn}()` };
  if (constraints.some((c) => isOneOf(c, 'CONSTR_IDENTITY', 'CONSTR_GENERATED'))) {
    return { work: 'rewrite', note: 'identity or generated' };
  }
  if (constraints.some((c) => isOneOf(c, 'CONSTR_PRIMARY', 'CONSTR_UNIQUE'))) return { work: 'build' };
  if (constraints.some((c) => isOneOf(c, 'CONSTR_CHECK', 'CONSTR_FOREIGN'))) return { work: 'scan' };
  if (constraints.some((c) => c.contype === 'CONSTR_NOTNULL') && !defaultExpr) {
    return { work: 'scan', note: 'NOT NULL without a default fails on a table with rows' };
  }
  return { work: 'catalog' };
}

/**
 * Dropping a foreign key drops its triggers on the other table, under ACCESS EXCLUSIVE there:
 * for a rebuild (a column's type changed) the key is dropped and added again.
 */
const dropsForeignKeyTriggers = (other: string, what: string): TableEffect => ({
  table: other,
  lock: 'ACCESS EXCLUSIVE',
  work: 'catalog',
  what,
});

/** A referenced table takes SHARE ROW EXCLUSIVE while a foreign key to it is added. */
const referencedBy = (constraint: Constraint, table: string): TableEffect => ({
  table: relationName(constraint.pktable),
  lock: 'SHARE ROW EXCLUSIVE',
  work: 'catalog',
  what: `referenced by ${table}`,
});

const ADDED_KEY_KINDS: Partial<Record<ConstrType, string>> = {
  CONSTR_UNIQUE: 'UNIQUE',
  CONSTR_PRIMARY: 'PRIMARY KEY',
  CONSTR_EXCLUSION: 'EXCLUDE',
};

function addConstraintEffects(c: Constraint, table: string): TableEffect[] {
  const validated = !c.skip_validation;
  if (c.contype === 'CONSTR_FOREIGN') {
    const what = `FOREIGN KEY → ${relationName(c.pktable)}${validated ? '' : ' NOT VALID'}`;
    return [{ table, lock: 'SHARE ROW EXCLUSIVE', work: validated ? 'scan' : 'catalog', what }, referencedBy(c, table)];
  }
  if (c.contype === 'CONSTR_CHECK') {
    const what = `CHECK ${c.conname ?? ''}${validated ? '' : ' NOT VALID'}`.trim();
    return [{ table, lock: 'ACCESS EXCLUSIVE', work: validated ? 'scan' : 'catalog', what }];
  }
  const kind = c.contype && ADDED_KEY_KINDS[c.contype];
  if (kind) {
    const what = `${kind}${c.indexname ? ` USING INDEX ${c.indexname}` : ''}`;
    return [{ table, lock: 'ACCESS EXCLUSIVE', work: c.indexname ? 'catalog' : 'build', what }];
  }
  return [{ table, lock: 'ACCESS EXCLUSIVE', work: 'catalog', what: `ADD CONSTRAINT ${c.conname ?? ''}`.trim() }];
}

function alterTableEffects(stmt: AlterTableStmt, catalog: CatalogFacts): TableEffect[] {
  if (stmt.objtype !== 'OBJECT_TABLE') return [];
  const table = relationName(stmt.relation);
  const effects: TableEffect[] = [];
  const keys = foreignKeysAround(catalog, table);
  for (const cmd of (stmt.cmds ?? []).flatMap((node) => nodeAs(node, 'AlterTableCmd') ?? [])) {
    const at = (lock: LockMode, work: Work, what: string, extra: Partial<TableEffect> = {}) =>
      effects.push({ table, lock, work, what, ...extra });
    const column = cmd.name ?? '';
    switch (cmd.subtype) {
      case 'AT_AddColumn': {
        const added = nodeAs(cmd.def, 'ColumnDef');
        if (!added) break;
        const { work, note } = addColumnWork(added);
        at('ACCESS EXCLUSIVE', work, `ADD COLUMN ${added.colname}${note ? ` (${note})` : ''}`);
        for (const c of constraintsOf(added).filter((c) => c.contype === 'CONSTR_FOREIGN'))
          effects.push(referencedBy(c, table));
        break;
      }
      case 'AT_AlterColumnType':
        at('ACCESS EXCLUSIVE', 'rewrite', `ALTER COLUMN ${column} TYPE (a rewrite unless binary-coercible)`);
        for (const key of keys.outgoing.filter((k) => k.columns.includes(column)))
          effects.push(dropsForeignKeyTriggers(key.parent, `rebuilds ${key.name} of ${table}`));
        for (const key of keys.incoming.filter((k) => k.parentColumns.includes(column)))
          effects.push(dropsForeignKeyTriggers(key.table, `rebuilds ${key.name} → ${table}`));
        break;
      case 'AT_DropColumn':
        at('ACCESS EXCLUSIVE', 'catalog', `DROP COLUMN ${column}`);
        for (const key of keys.outgoing.filter((k) => k.columns.includes(column)))
          effects.push(dropsForeignKeyTriggers(key.parent, `drops ${key.name} of ${table}`));
        break;
      case 'AT_DropConstraint':
        at('ACCESS EXCLUSIVE', 'catalog', `DROP CONSTRAINT ${column}`);
        for (const key of keys.outgoing.filter((k) => k.name === column))
          effects.push(dropsForeignKeyTriggers(key.parent, `drops ${key.name} of ${table}`));
        break;
      case 'AT_SetNotNull':
        at('ACCESS EXCLUSIVE', 'scan', `SET NOT NULL ${column}`, { notNullColumn: column });
        break;
      case 'AT_AddConstraint': {
        const added = nodeAs(cmd.def, 'Constraint');
        if (added) effects.push(...addConstraintEffects(added, table));
        break;
      }
      case 'AT_ValidateConstraint':
        at('SHARE UPDATE EXCLUSIVE', 'scan', `VALIDATE CONSTRAINT ${column}`);
        break;
      case 'AT_AttachPartition':
        at('SHARE UPDATE EXCLUSIVE', 'scan', 'ATTACH PARTITION');
        break;
      case 'AT_SetStatistics':
      case 'AT_ClusterOn':
      case 'AT_SetRelOptions':
        at('SHARE UPDATE EXCLUSIVE', 'catalog', cmd.subtype.replace('AT_', ''));
        break;
      default:
        at(
          'ACCESS EXCLUSIVE',
          'catalog',
          String(cmd.subtype)
            .replace('AT_', '')
            .replace(/([a-z])([A-Z])/g, '$1 $2')
            .toUpperCase(),
        );
    }
  }
  return effects;
}

function createTableEffects(stmt: CreateStmt): TableEffect[] {
  const table = relationName(stmt.relation);
  const constraints = (stmt.tableElts ?? []).flatMap((element) => {
    const own = nodeAs(element, 'Constraint');
    if (own) return [own];
    const column = nodeAs(element, 'ColumnDef');
    return column ? constraintsOf(column) : [];
  });
  return [
    { table, lock: 'ACCESS EXCLUSIVE', work: 'new table', what: 'CREATE TABLE' },
    ...constraints
      .filter((c) => c.contype === 'CONSTR_FOREIGN')
      .map((c) => ({ ...referencedBy(c, table), what: `referenced by new ${table}` })),
  ];
}

function dropEffects(stmt: DropStmt, catalog: CatalogFacts): TableEffect[] {
  const objects = stmt.objects ?? [];
  if (stmt.removeType === 'OBJECT_TRIGGER') {
    return objects.map((object) => ({
      table: qualifiedName(object, true),
      lock: 'ACCESS EXCLUSIVE',
      work: 'catalog',
      what: 'DROP TRIGGER',
    }));
  }
  if (stmt.removeType === 'OBJECT_INDEX') {
    return objects.map((object) => {
      const named = qualifiedName(object);
      return {
        // The index's table, where the catalog says: that is where writers wait.
        table: catalog.tableOfIndex(named) ?? named,
        lock: stmt.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE',
        work: 'catalog',
        what: `DROP INDEX${stmt.concurrent ? ' CONCURRENTLY' : ''}`,
      };
    });
  }
  if (stmt.removeType !== 'OBJECT_TABLE') return [];
  return objects.flatMap((object): TableEffect[] => {
    const named = qualifiedName(object);
    const keys = foreignKeysAround(catalog, named);
    return [
      { table: named, lock: 'ACCESS EXCLUSIVE', work: 'catalog', what: 'DROP TABLE' },
      ...keys.outgoing.map((key) => dropsForeignKeyTriggers(key.parent, `drops ${key.name} of ${named}`)),
      ...(stmt.behavior === 'DROP_CASCADE'
        ? keys.incoming.map((key) => dropsForeignKeyTriggers(key.table, `CASCADE drops ${key.name}`))
        : []),
    ];
  });
}

/** The tables of a statement's RangeVar list (TRUNCATE, LOCK), each with one effect. */
const eachRelation = (relations: PgNode[] | undefined, effect: Omit<TableEffect, 'table'>): TableEffect[] =>
  (relations ?? []).map((relation) => ({ table: relationName(nodeAs(relation, 'RangeVar')), ...effect }));

/** One effect on one table, the shape most statements have. */
const on = (relation: RangeVar | undefined, lock: LockMode, work: Work, what: string): TableEffect[] => [
  { table: relationName(relation), lock, work, what },
];

/** How to read each kind of statement; a kind not listed touches no table the kit watches. */
type EffectsOf = {
  [K in NodeKind]?: (stmt: NodeOf<K>, catalog: CatalogFacts, statement: ParsedStatement) => TableEffect[];
};

const EFFECTS_BY_KIND: EffectsOf = {
  CreateStmt: createTableEffects,
  AlterTableStmt: alterTableEffects,
  DropStmt: dropEffects,
  IndexStmt: (stmt) =>
    on(
      stmt.relation,
      stmt.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE',
      'build',
      `CREATE ${stmt.unique ? 'UNIQUE ' : ''}INDEX${stmt.concurrent ? ' CONCURRENTLY' : ''}`,
    ),
  RenameStmt: (stmt) =>
    stmt.relation
      ? on(stmt.relation, 'ACCESS EXCLUSIVE', 'catalog', `RENAME ${String(stmt.renameType).replace('OBJECT_', '')}`)
      : [],
  UpdateStmt: (stmt) => on(stmt.relation, 'ROW EXCLUSIVE', 'rows', 'UPDATE'),
  DeleteStmt: (stmt) => on(stmt.relation, 'ROW EXCLUSIVE', 'rows', 'DELETE'),
  InsertStmt: (stmt) => [
    { table: relationName(stmt.relation), lock: 'ROW EXCLUSIVE', work: 'rows', what: 'INSERT', blocksNobody: true },
  ],
  TruncateStmt: (stmt) => eachRelation(stmt.relations, { lock: 'ACCESS EXCLUSIVE', work: 'catalog', what: 'TRUNCATE' }),
  VacuumStmt: (stmt) => {
    const full = hasOption(stmt.options, 'full');
    const what = full ? 'VACUUM FULL' : stmt.is_vacuumcmd ? 'VACUUM' : 'ANALYZE';
    const [lock, work]: [LockMode, Work] = full ? ['ACCESS EXCLUSIVE', 'rewrite'] : ['SHARE UPDATE EXCLUSIVE', 'scan'];
    return (stmt.rels ?? []).flatMap((rel) => on(nodeAs(rel, 'VacuumRelation')?.relation, lock, work, what));
  },
  ClusterStmt: (stmt) => (stmt.relation ? on(stmt.relation, 'ACCESS EXCLUSIVE', 'rewrite', 'CLUSTER') : []),
  CreateTrigStmt: (stmt) => on(stmt.relation, 'SHARE ROW EXCLUSIVE', 'catalog', 'CREATE TRIGGER'),
  RefreshMatViewStmt: (stmt) =>
    on(stmt.relation, stmt.concurrent ? 'EXCLUSIVE' : 'ACCESS EXCLUSIVE', 'rewrite', 'REFRESH MATERIALIZED VIEW'),
  DoStmt: (_stmt, catalog, statement) =>
    statement.inner
      .flatMap((inner) => statementEffects(inner, catalog))
      .map((effect) => ({ ...effect, what: `${effect.what} (in DO)` })),
  LockStmt: (stmt) =>
    eachRelation(stmt.relations, {
      lock: LOCK_MODES[stmt.mode ?? 8] ?? 'ACCESS EXCLUSIVE',
      work: 'catalog',
      what: 'LOCK TABLE',
    }),
  ReindexStmt: (stmt, catalog) => {
    if (!stmt.relation) return []; // a whole schema or database: refused in a transaction, reported by the linter
    const concurrent = hasOption(stmt.params, 'concurrently');
    const named = relationName(stmt.relation);
    // REINDEX INDEX names the index; the lock on its table is what writers meet.
    const table = stmt.kind === 'REINDEX_OBJECT_INDEX' ? (catalog.tableOfIndex(named) ?? named) : named;
    const lock = concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE';
    return [{ table, lock, work: 'build', what: `REINDEX${concurrent ? ' CONCURRENTLY' : ''}` }];
  },
};

/**
 * The effects of one parsed statement; a DO block's are those of the SQL in its body. `catalog`:
 * the database's indexes and foreign keys, where there is one to read.
 */
export function statementEffects(statement: ParsedStatement, catalog: CatalogFacts = NO_CATALOG): TableEffect[] {
  const effectsOf = EFFECTS_BY_KIND[statement.kind as NodeKind] as
    | ((stmt: unknown, catalog: CatalogFacts, statement: ParsedStatement) => TableEffect[])
    | undefined;
  return effectsOf ? effectsOf(statement.body, catalog, statement) : [];
}
