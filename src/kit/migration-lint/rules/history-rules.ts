/**
 * Rules found by comparing the migrations with git or a database rather than by reading one file:
 * select-migrations.ts reports `applied-migration-edited` from git, database-checks.ts the rest.
 */
import type { HistoryRule } from '../rule.ts';
import { LINTER, RULES_OF_THE_FILE } from './playbooks.ts';

export const appliedMigrationEdited: HistoryRule = {
  kind: 'history',
  name: 'applied-migration-edited',
  lock: 'none; but `migrate deploy` and `migrate status` ignore the edit (Prisma 7.10.1), so databases that ran the old text keep it while fresh ones get the new, and `migrate dev` asks everyone who ran it to reset their database',
  fix: `restore the file and make the change in a new migration (${LINTER})`,
};

export const historyDoesNotReplay: HistoryRule = {
  kind: 'history',
  name: 'history-does-not-replay',
  lock: "none; but `migrate dev` and the drift check fail, and a fresh database (CI, a new laptop) can't be built",
  fix: `fix the migration if it never ran anywhere, else add one that repairs what it assumed (${RULES_OF_THE_FILE})`,
};

export const schemaDrift: HistoryRule = {
  kind: 'history',
  name: 'schema-drift',
  lock: 'none; schema.prisma and the migrations disagree, so the next `migrate dev` generates surprises',
  fix: `run \`npx prisma migrate dev --create-only\` and review the migration it writes (${LINTER})`,
};
