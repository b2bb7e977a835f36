/**
 * `enum-value-unknown-to-running-release`: `ALTER TYPE … ADD VALUE` on an enum that exists. The
 * migration runs before the new release rolls out, and during the rollout both releases run: once
 * a new instance writes the value, every old instance that reads the row fails, because a Prisma
 * Client that doesn't know a value rejects it (Prisma 7.10.1: "Value 'HIDDEN' not found in enum
 * 'PostStatus'", tried on the demo schema). The value must ship in a release that doesn't write
 * it yet; the next one may. A lint-ignore saying which release writes it records that.
 */
import { lastName } from '../../sql/parse-statements.ts';
import { type FileRule, hitsPerStatement } from '../rule.ts';

export const enumValueUnknownToRunningRelease: FileRule = {
  kind: 'file',
  name: 'enum-value-unknown-to-running-release',
  lock: 'none (catalog only); but the release still running during the rollout fails on every row that has the value, as soon as a new instance writes one',
  fix: 'ship the value in a release whose code does not write it yet, and write it from the next one; say so in a lint-ignore reason (docs/migrations/migration-linter.md)',
  check(file) {
    // An enum this same file creates is new: no running release reads it.
    const createdHere = new Set(
      file.statements
        .filter((statement) => statement.kind === 'CreateEnumStmt')
        .map((statement) => lastName(statement.body.typeName)),
    );
    return hitsPerStatement(file, ({ kind, body }) =>
      kind === 'AlterEnumStmt' && body.oldVal === undefined && !createdHere.has(lastName(body.typeName))
        ? `a Prisma Client that doesn't know '${body.newVal}' fails on reading a row of ${lastName(body.typeName)} that has it: the release running during the rollout will`
        : undefined,
    );
  },
};
