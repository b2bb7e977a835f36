/**
 * `foreign-key-without-index`: a foreign key whose columns no index leads with, once the deploy
 * ran (the migrations linted together: an index `--fix` moved into a later file counts).
 * PostgreSQL indexes the referenced key but not the referencing columns, and Prisma on PostgreSQL
 * doesn't either unless the model says `@@index`: every DELETE of a parent row, and every update
 * of its key, then scans the child table for references (a cascade too), under the row lock of
 * the parent. Eugene's hint; strong_migrations and squawk have no such rule.
 */
import { addedForeignKeys, type HistoryFacts } from '../history-facts.ts';
import { type FileRule, hitsPerStatement } from '../rule.ts';
import { INDEX } from './playbooks.ts';

/** Some index of `table` leads with exactly these columns, in any order. */
function isIndexed(facts: HistoryFacts, table: string, columns: string[]): boolean {
  return [...facts.indexes.values()].some((index) => {
    if (index.table !== table || index.columns.length < columns.length) return false;
    const leading = index.columns.slice(0, columns.length);
    return columns.every((column) => leading.includes(column));
  });
}

export const foreignKeyWithoutIndex: FileRule = {
  kind: 'file',
  name: 'foreign-key-without-index',
  lock: "none now; but every delete of a parent row (and every change of its key) scans this table for references while holding the parent's row lock",
  fix: `add \`@@index([<the relation's fields>])\` to the model in schema.prisma, and build it CONCURRENTLY on a table that exists (migrate:lint -- --fix does; ${INDEX})`,
  check(file) {
    const deployed = file.factsOnceDeployed();
    return hitsPerStatement(file, (statement) => {
      // A key a later migration of the deploy drops again costs nothing once it ran.
      const unindexed = addedForeignKeys(statement).filter(
        (key) => deployed.foreignKeys.has(key.key) && !isIndexed(deployed, key.table, key.columns),
      );
      return unindexed.length === 0
        ? undefined
        : unindexed
            .map(
              (key) =>
                `no index leads with ${key.table}(${key.columns.join(', ')}): each delete from ${key.parent} scans ${key.table} for its references`,
            )
            .join('; ');
    });
  },
};
