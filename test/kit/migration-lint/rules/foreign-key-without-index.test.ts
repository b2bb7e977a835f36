/**
 * foreign-key-without-index, case by case: which indexes count (any that leads with the key's
 * columns, in any order: a composite primary key, a unique constraint, a later file of the same
 * deploy) and which don't (one that merely contains them, one dropped again). Pure: no database,
 * no squawk.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { noHistoryFacts } from '#kit/migration-lint/history-facts.ts';
import { lintMigrationFiles } from '#kit/migration-lint/lint-migration-file.ts';
import { loadSqlParsers } from '#kit/sql/parse-statements.ts';

beforeAll(loadSqlParsers);

const PARENT = 'CREATE TABLE "users" ("id" SERIAL PRIMARY KEY);';

/** The rule's findings over files linted together, as one deploy. */
const findings = async (...files: string[]) =>
  (
    await lintMigrationFiles(
      [PARENT, ...files].map((sql, index) => ({ file: `m${index}.sql`, sql, lint: index > 0 })),
      [],
      noHistoryFacts(),
    )
  )
    .filter((finding) => finding.rule === 'foreign-key-without-index')
    .map((finding) => `${finding.file}:${finding.line} ${finding.message}`);

describe('foreign-key-without-index', () => {
  it.each([
    ['an index on the column', 'CREATE INDEX "p_a" ON "posts"("author_id");'],
    ['a composite index that leads with it', 'CREATE INDEX "p_a" ON "posts"("author_id", "id");'],
    ['a unique constraint on it', 'ALTER TABLE "posts" ADD CONSTRAINT "p_u" UNIQUE ("author_id");'],
  ])('passes with %s', async (_, index) => {
    const table = 'CREATE TABLE "posts" ("id" SERIAL PRIMARY KEY, "author_id" INTEGER NOT NULL);';
    const key = 'ALTER TABLE "posts" ADD CONSTRAINT "p_fk" FOREIGN KEY ("author_id") REFERENCES "users"("id");';
    expect(await findings(`${table}\n${index}\n${key}`)).toEqual([]);
  });

  it('flags a key no index leads with, naming the table, columns and parent', async () => {
    const table = 'CREATE TABLE "posts" ("id" SERIAL, "author_id" INTEGER REFERENCES "users"("id"));';
    const trailing = 'CREATE INDEX "p_a" ON "posts"("id", "author_id");';
    expect(await findings(`${table}\n${trailing}`)).toEqual([
      'm1.sql:1 no index leads with posts(author_id): each delete from users scans posts for its references',
    ]);
  });

  it("counts a composite primary key that leads with the key's columns in another order", async () => {
    const roles = 'CREATE TABLE "roles" ("id" SERIAL PRIMARY KEY);';
    const link = `CREATE TABLE "user_roles" ("user_id" INTEGER, "role_id" INTEGER, PRIMARY KEY ("role_id", "user_id"),
      FOREIGN KEY ("user_id", "role_id") REFERENCES "users"("id", "id"));`;
    expect(await findings(`${roles}\n${link}`)).toEqual([]);
  });

  it('counts an index a later migration of the same deploy builds, as --fix writes it', async () => {
    const first = `ALTER TABLE "users" ADD COLUMN "manager_id" INTEGER;
ALTER TABLE "users" ADD CONSTRAINT "u_fk" FOREIGN KEY ("manager_id") REFERENCES "users"("id") NOT VALID;`;
    const second = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS "u_m" ON "users"("manager_id");';
    expect(await findings(first, second)).toEqual([]);
    expect(await findings(first)).toHaveLength(1);
  });

  it('does not report a key a later migration drops again, with its table or by name', async () => {
    const table = 'CREATE TABLE "posts" ("id" SERIAL PRIMARY KEY, "author_id" INTEGER REFERENCES "users"("id"));';
    expect(await findings(table, 'ALTER TABLE "posts" DROP CONSTRAINT "posts_author_id_fkey";')).toEqual([]);
    expect(await findings(table, 'DROP TABLE "posts";')).toEqual([]);
    expect(await findings(table)).toHaveLength(1);
  });

  it('does not count an index dropped again by the end of the deploy', async () => {
    const first = `ALTER TABLE "users" ADD COLUMN "manager_id" INTEGER;
CREATE INDEX "u_m" ON "users"("manager_id");
ALTER TABLE "users" ADD CONSTRAINT "u_fk" FOREIGN KEY ("manager_id") REFERENCES "users"("id");`;
    expect(await findings(first, 'DROP INDEX CONCURRENTLY IF EXISTS "u_m";')).toHaveLength(1);
  });
});
