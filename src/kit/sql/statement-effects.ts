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
import {
  hasOption,
  lastName,
  type Node,
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

/** The work an added column causes: a rewrite when every row needs its own value. */
function addColumnWork(column: Node): { work: Work; note?: string } {
  if (SERIAL_TYPES.has(lastName(column.typeName?.names) ?? ''))
    return { work: 'rewrite', note: 'serial: a volatile default' };
  const constraints: Node[] = (column.constraints ?? []).map((c: Node) => c.Constraint);
  const defaultExpr = constraints.find((c) => c.contype === 'CONSTR_DEFAULT')?.raw_expr;
  const fn = lastName(defaultExpr?.FuncCall?.funcname);
  if (fn && VOLATILE_DEFAULTS.has(fn)) return { work: 'rewrite', note: `volatile default ${fn}()` };
  if (constraints.some((c) => c.contype === 'CONSTR_IDENTITY' || c.contype === 'CONSTR_GENERATED')) {
    return { work: 'rewrite', note: 'identity or generated' };
  }
  if (constraints.some((c) => c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_UNIQUE'))
    return { work: 'build' };
  if (constraints.some((c) => c.contype === 'CONSTR_CHECK' || c.contype === 'CONSTR_FOREIGN')) return { work: 'scan' };
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

function alterTableEffects(stmt: Node, catalog: CatalogFacts): TableEffect[] {
  const table = relationName(stmt.relation);
  const effects: TableEffect[] = [];
  const keys = foreignKeysAround(catalog, table);
  for (const { AlterTableCmd: cmd } of stmt.cmds ?? []) {
    const at = (lock: LockMode, work: Work, what: string, extra: Partial<TableEffect> = {}) =>
      effects.push({ table, lock, work, what, ...extra });
    switch (cmd.subtype) {
      case 'AT_AddColumn': {
        const column = cmd.def.ColumnDef;
        const { work, note } = addColumnWork(column);
        at('ACCESS EXCLUSIVE', work, `ADD COLUMN ${column.colname}${note ? ` (${note})` : ''}`);
        for (const { Constraint: c } of column.constraints ?? []) {
          if (c.contype === 'CONSTR_FOREIGN') {
            effects.push({
              table: relationName(c.pktable),
              lock: 'SHARE ROW EXCLUSIVE',
              work: 'catalog',
              what: `referenced by ${table}`,
            });
          }
        }
        break;
      }
      case 'AT_AlterColumnType':
        at('ACCESS EXCLUSIVE', 'rewrite', `ALTER COLUMN ${cmd.name} TYPE (a rewrite unless binary-coercible)`);
        for (const key of keys.outgoing.filter((k) => k.columns.includes(cmd.name)))
          effects.push(dropsForeignKeyTriggers(key.parent, `rebuilds ${key.name} of ${table}`));
        for (const key of keys.incoming.filter((k) => k.parentColumns.includes(cmd.name)))
          effects.push(dropsForeignKeyTriggers(key.table, `rebuilds ${key.name} → ${table}`));
        break;
      case 'AT_DropColumn':
        at('ACCESS EXCLUSIVE', 'catalog', `DROP COLUMN ${cmd.name}`);
        for (const key of keys.outgoing.filter((k) => k.columns.includes(cmd.name)))
          effects.push(dropsForeignKeyTriggers(key.parent, `drops ${key.name} of ${table}`));
        break;
      case 'AT_DropConstraint':
        at('ACCESS EXCLUSIVE', 'catalog', `DROP CONSTRAINT ${cmd.name}`);
        for (const key of keys.outgoing.filter((k) => k.name === cmd.name))
          effects.push(dropsForeignKeyTriggers(key.parent, `drops ${key.name} of ${table}`));
        break;
      case 'AT_SetNotNull':
        at('ACCESS EXCLUSIVE', 'scan', `SET NOT NULL ${cmd.name}`, { notNullColumn: cmd.name });
        break;
      case 'AT_AddConstraint': {
        const c = cmd.def.Constraint;
        const validated = !c.skip_validation;
        if (c.contype === 'CONSTR_FOREIGN') {
          at(
            'SHARE ROW EXCLUSIVE',
            validated ? 'scan' : 'catalog',
            `FOREIGN KEY → ${relationName(c.pktable)}${validated ? '' : ' NOT VALID'}`,
          );
          effects.push({
            table: relationName(c.pktable),
            lock: 'SHARE ROW EXCLUSIVE',
            work: 'catalog',
            what: `referenced by ${table}`,
          });
        } else if (c.contype === 'CONSTR_CHECK') {
          at(
            'ACCESS EXCLUSIVE',
            validated ? 'scan' : 'catalog',
            `CHECK ${c.conname ?? ''}${validated ? '' : ' NOT VALID'}`.trim(),
          );
        } else if (
          c.contype === 'CONSTR_UNIQUE' ||
          c.contype === 'CONSTR_PRIMARY' ||
          c.contype === 'CONSTR_EXCLUSION'
        ) {
          const kind = { CONSTR_UNIQUE: 'UNIQUE', CONSTR_PRIMARY: 'PRIMARY KEY', CONSTR_EXCLUSION: 'EXCLUDE' }[
            c.contype as string
          ];
          at(
            'ACCESS EXCLUSIVE',
            c.indexname ? 'catalog' : 'build',
            `${kind}${c.indexname ? ` USING INDEX ${c.indexname}` : ''}`,
          );
        } else {
          at('ACCESS EXCLUSIVE', 'catalog', `ADD CONSTRAINT ${c.conname ?? ''}`.trim());
        }
        break;
      }
      case 'AT_ValidateConstraint':
        at('SHARE UPDATE EXCLUSIVE', 'scan', `VALIDATE CONSTRAINT ${cmd.name}`);
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
          cmd.subtype
            .replace('AT_', '')
            .replace(/([a-z])([A-Z])/g, '$1 $2')
            .toUpperCase(),
        );
    }
  }
  return effects;
}

/**
 * The effects of one parsed statement; a DO block's are those of the SQL in its body. `catalog`:
 * the database's indexes and foreign keys, where there is one to read.
 */
export function statementEffects(statement: ParsedStatement, catalog: CatalogFacts = NO_CATALOG): TableEffect[] {
  const { kind, body } = statement;
  switch (kind) {
    case 'CreateStmt': {
      const table = relationName(body.relation);
      const effects: TableEffect[] = [{ table, lock: 'ACCESS EXCLUSIVE', work: 'new table', what: 'CREATE TABLE' }];
      const constraints = (body.tableElts ?? []).flatMap((element: Node) =>
        element.Constraint
          ? [element.Constraint]
          : (element.ColumnDef?.constraints ?? []).map((c: Node) => c.Constraint),
      );
      for (const c of constraints) {
        if (c.contype === 'CONSTR_FOREIGN') {
          effects.push({
            table: relationName(c.pktable),
            lock: 'SHARE ROW EXCLUSIVE',
            work: 'catalog',
            what: `referenced by new ${table}`,
          });
        }
      }
      return effects;
    }
    case 'IndexStmt':
      return [
        {
          table: relationName(body.relation),
          lock: body.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE',
          work: 'build',
          what: `CREATE ${body.unique ? 'UNIQUE ' : ''}INDEX${body.concurrent ? ' CONCURRENTLY' : ''}`,
        },
      ];
    case 'AlterTableStmt':
      return body.objtype === 'OBJECT_TABLE' ? alterTableEffects(body, catalog) : [];
    case 'RenameStmt':
      return body.relation
        ? [
            {
              table: relationName(body.relation),
              lock: 'ACCESS EXCLUSIVE',
              work: 'catalog',
              what: `RENAME ${String(body.renameType).replace('OBJECT_', '')}`,
            },
          ]
        : [];
    case 'DropStmt': {
      if (body.removeType === 'OBJECT_TRIGGER') {
        return (body.objects ?? []).map((object: Node) => ({
          table: (object.List?.items ?? [])
            .slice(0, -1)
            .map((item: Node) => item.String?.sval)
            .join('.'),
          lock: 'ACCESS EXCLUSIVE',
          work: 'catalog',
          what: 'DROP TRIGGER',
        }));
      }
      if (body.removeType !== 'OBJECT_TABLE' && body.removeType !== 'OBJECT_INDEX') return [];
      const index = body.removeType === 'OBJECT_INDEX';
      return (body.objects ?? []).flatMap((object: Node): TableEffect[] => {
        const named = (object.List?.items ?? []).map((item: Node) => item.String?.sval).join('.');
        if (index) {
          return [
            {
              // The index's table, where the catalog says: that is where writers wait.
              table: catalog.tableOfIndex(named) ?? named,
              lock: body.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE',
              work: 'catalog',
              what: `DROP INDEX${body.concurrent ? ' CONCURRENTLY' : ''}`,
            },
          ];
        }
        const keys = foreignKeysAround(catalog, named);
        return [
          { table: named, lock: 'ACCESS EXCLUSIVE', work: 'catalog', what: 'DROP TABLE' },
          ...keys.outgoing.map((key) => dropsForeignKeyTriggers(key.parent, `drops ${key.name} of ${named}`)),
          ...(body.behavior === 'DROP_CASCADE'
            ? keys.incoming.map((key) => dropsForeignKeyTriggers(key.table, `CASCADE drops ${key.name}`))
            : []),
        ];
      });
    }
    case 'UpdateStmt':
    case 'DeleteStmt':
      return [
        {
          table: relationName(body.relation),
          lock: 'ROW EXCLUSIVE',
          work: 'rows',
          what: kind === 'UpdateStmt' ? 'UPDATE' : 'DELETE',
        },
      ];
    case 'InsertStmt':
      return [
        { table: relationName(body.relation), lock: 'ROW EXCLUSIVE', work: 'rows', what: 'INSERT', blocksNobody: true },
      ];
    case 'TruncateStmt':
      return (body.relations ?? []).map((relation: Node) => ({
        table: relationName(relation.RangeVar),
        lock: 'ACCESS EXCLUSIVE',
        work: 'catalog',
        what: 'TRUNCATE',
      }));
    case 'VacuumStmt': {
      const full = hasOption(body.options, 'full');
      return (body.rels ?? []).map((rel: Node) => ({
        table: relationName(rel.VacuumRelation?.relation),
        lock: full ? 'ACCESS EXCLUSIVE' : 'SHARE UPDATE EXCLUSIVE',
        work: full ? 'rewrite' : 'scan',
        what: full ? 'VACUUM FULL' : body.is_vacuumcmd ? 'VACUUM' : 'ANALYZE',
      }));
    }
    case 'ClusterStmt':
      return body.relation
        ? [{ table: relationName(body.relation), lock: 'ACCESS EXCLUSIVE', work: 'rewrite', what: 'CLUSTER' }]
        : [];
    case 'CreateTrigStmt':
      return [
        { table: relationName(body.relation), lock: 'SHARE ROW EXCLUSIVE', work: 'catalog', what: 'CREATE TRIGGER' },
      ];
    case 'RefreshMatViewStmt':
      return [
        {
          table: relationName(body.relation),
          lock: body.concurrent ? 'EXCLUSIVE' : 'ACCESS EXCLUSIVE',
          work: 'rewrite',
          what: 'REFRESH MATERIALIZED VIEW',
        },
      ];
    case 'DoStmt':
      return statement.inner
        .flatMap((inner) => statementEffects(inner, catalog))
        .map((effect) => ({ ...effect, what: `${effect.what} (in DO)` }));
    case 'LockStmt':
      return (body.relations ?? []).map((relation: Node) => ({
        table: relationName(relation.RangeVar),
        lock: LOCK_MODES[body.mode as number] ?? 'ACCESS EXCLUSIVE',
        work: 'catalog',
        what: 'LOCK TABLE',
      }));
    case 'ReindexStmt': {
      if (!body.relation) return []; // a whole schema or database: refused in a transaction, reported by the linter
      const concurrent = hasOption(body.params, 'concurrently');
      return [
        {
          // REINDEX INDEX names the index; the lock on its table is what writers meet.
          table:
            body.kind === 'REINDEX_OBJECT_INDEX'
              ? (catalog.tableOfIndex(relationName(body.relation)) ?? relationName(body.relation))
              : relationName(body.relation),
          lock: concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE',
          work: 'build',
          what: `REINDEX${concurrent ? ' CONCURRENTLY' : ''}`,
        },
      ];
    }
    default:
      return [];
  }
}
