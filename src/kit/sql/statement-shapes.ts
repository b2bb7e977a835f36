/**
 * Shapes of a parsed statement that more than one reader asks about (lint rules, recovery): each
 * read from PostgreSQL's parse tree, never from the text. A shape only one lint rule needs lives
 * in that rule's module.
 */
import {
  alterCommands,
  hasOption,
  lastName,
  type Node,
  type ParsedStatement,
  SERIAL_TYPES,
} from './parse-statements.ts';

/** The table a statement names as its own (not one it references), by its unqualified name. */
export const ownTable = (statement: ParsedStatement): string | undefined => statement.body.relation?.relname;

/** `posts` from `public.posts`: tables are compared by name, as the rules of one file see them. */
export const unqualified = (table: string) => table.split('.').at(-1)!;

export const addsSerialColumn = (statement: ParsedStatement) =>
  alterCommands(statement).some(
    (cmd) => cmd.subtype === 'AT_AddColumn' && SERIAL_TYPES.has(lastName(cmd.def.ColumnDef.typeName?.names) ?? ''),
  );

/** The constraint an `ALTER TABLE … ADD CONSTRAINT` adds, when that is its one change. */
export function addedConstraint(statement: ParsedStatement): Node | undefined {
  const cmds = alterCommands(statement);
  return cmds.length === 1 && cmds[0]!.subtype === 'AT_AddConstraint' ? cmds[0]!.def.Constraint : undefined;
}

/** Statements that build or drop an index CONCURRENTLY. */
export const runsConcurrently = ({ kind, body }: ParsedStatement) =>
  (kind === 'IndexStmt' && body.concurrent) ||
  (kind === 'DropStmt' && body.concurrent) ||
  (kind === 'ReindexStmt' && hasOption(body.params, 'concurrently'));

/** `BEGIN` or `START TRANSACTION`. */
export const opensTransaction = ({ kind, body }: ParsedStatement) =>
  kind === 'TransactionStmt' && (body.kind === 'TRANS_STMT_BEGIN' || body.kind === 'TRANS_STMT_START');

/** What PostgreSQL refuses inside a transaction block, if this statement is one of those. */
export function refusedInTransactionBlock(statement: ParsedStatement): string | undefined {
  const { kind, body } = statement;
  if (runsConcurrently(statement)) return 'CONCURRENTLY';
  if (alterCommands(statement).some((cmd) => cmd.subtype === 'AT_DetachPartition' && cmd.def?.PartitionCmd?.concurrent))
    return 'DETACH PARTITION … CONCURRENTLY';
  if (kind === 'ReindexStmt' && !body.relation) return 'REINDEX of a whole schema or database';
  if (kind === 'VacuumStmt' && body.is_vacuumcmd) return 'VACUUM';
  if (kind === 'AlterSystemStmt') return 'ALTER SYSTEM';
  if (['CreatedbStmt', 'DropdbStmt', 'CreateTableSpaceStmt', 'DropTableSpaceStmt'].includes(kind ?? ''))
    return 'CREATE/DROP DATABASE or TABLESPACE';
  if (kind === 'CreateSubscriptionStmt' || kind === 'DropSubscriptionStmt') return 'CREATE/DROP SUBSCRIPTION';
  if (kind === 'ClusterStmt' && !body.relation) return 'CLUSTER of every table';
  if (kind === 'DiscardStmt' && body.target === 'DISCARD_ALL') return 'DISCARD ALL';
  return undefined;
}
