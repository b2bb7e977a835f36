/**
 * drop-and-add-looks-like-rename, case by case: a drop and an add of the same or a wider type on
 * one table, in one statement or two, is a likely rename; another type, another table, or a
 * column whose type the history doesn't know is not reported. Pure: no database, no squawk.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { noHistoryFacts } from '#kit/migration-lint/history-facts.ts';
import { lintMigrationFiles } from '#kit/migration-lint/lint-migration-file.ts';
import { loadSqlParsers } from '#kit/sql/parse-statements.ts';

beforeAll(loadSqlParsers);

const HISTORY = 'CREATE TABLE "posts" ("id" SERIAL PRIMARY KEY, "body" VARCHAR(200), "views" INTEGER);';

const findings = async (sql: string) =>
  (
    await lintMigrationFiles(
      [
        { file: 'history.sql', sql: HISTORY, lint: false },
        { file: 'next.sql', sql, lint: true },
      ],
      [],
      noHistoryFacts(),
    )
  )
    .filter((finding) => finding.rule === 'drop-and-add-looks-like-rename')
    .map((finding) => `${finding.line} ${finding.message}`);

describe('drop-and-add-looks-like-rename', () => {
  it('reports the drop when the same statement adds a column of the same type', async () => {
    expect(await findings('ALTER TABLE "posts" DROP COLUMN "body", ADD COLUMN "content" VARCHAR(200);')).toEqual([
      '1 this drops posts.body and adds content of the same type: if that is a rename, every value of body is lost',
    ]);
  });

  it('reports a drop and an add of a wider type in two statements', async () => {
    const sql = 'ALTER TABLE "posts" ADD COLUMN "content" TEXT;\nALTER TABLE "posts" DROP COLUMN "body";';
    expect(await findings(sql)).toEqual([
      '2 this drops posts.body and adds content of the same type: if that is a rename, every value of body is lost',
    ]);
  });

  it.each([
    ['another type', 'ALTER TABLE "posts" DROP COLUMN "views", ADD COLUMN "viewed_at" TIMESTAMPTZ;'],
    ['a narrower type', 'ALTER TABLE "posts" DROP COLUMN "body", ADD COLUMN "content" VARCHAR(50);'],
    ['another table', 'CREATE TABLE "notes" ("body" VARCHAR(200));\nALTER TABLE "posts" DROP COLUMN "body";'],
    ['a column the history does not know', 'ALTER TABLE "users" DROP COLUMN "name", ADD COLUMN "full_name" TEXT;'],
  ])('is quiet for %s', async (_, sql) => {
    expect(await findings(sql)).toEqual([]);
  });
});
