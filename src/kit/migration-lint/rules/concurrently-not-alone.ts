/**
 * `concurrently-not-alone`: one CONCURRENTLY statement per file, with only SET and RESET beside
 * it. The build holds the deploy's migration lock for its whole run, and whatever else is in the
 * file fails or succeeds apart from it (the native engine can't run it in one transaction).
 */
import { runsConcurrently } from '../../sql/statement-shapes.ts';
import type { FileRule } from '../rule.ts';
import { RULES_OF_THE_FILE } from './playbooks.ts';

export const concurrentlyNotAlone: FileRule = {
  kind: 'file',
  name: 'concurrently-not-alone',
  lock: 'SHARE UPDATE EXCLUSIVE for the whole build, and the deploy holds the migration lock meanwhile; other changes in the file fail or succeed apart from it',
  fix: `one CONCURRENTLY statement per file, with only SET/RESET beside it (${RULES_OF_THE_FILE})`,
  check(file) {
    const concurrent = file.statements.filter(runsConcurrently);
    if (concurrent.length === 0) return [];
    const companions = file.statements.filter(
      (statement) => !concurrent.includes(statement) && statement.kind !== 'VariableSetStmt',
    );
    return [...concurrent.slice(1), ...companions].map((statement) => ({
      line: statement.line,
      message: `this file runs CONCURRENTLY (line ${concurrent[0]!.line}); this statement belongs in a migration of its own`,
    }));
  },
};
