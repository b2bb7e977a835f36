/**
 * Names are written into SQL one way (src/kit/sql/quote-identifier.ts): quoted, with a `"` inside
 * doubled. Checked against PostgreSQL's own reading (quote_ident's rule, parsed back by its
 * parser), and by a scan of the kit's source for the other ways it once had.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '#kit-test/support/checkout.ts';
import { quoteIdentifier, quoteQualifiedName } from '#kit/sql/quote-identifier.ts';
import { loadSqlParsers, type SqlParsers } from '#kit/sql/parse-statements.ts';

let parsers: SqlParsers;
beforeAll(async () => {
  parsers = await loadSqlParsers();
});

describe('quoteIdentifier', () => {
  it.each(['posts', 'Post', 'display name', 'a"b', '"', 'x";DROP TABLE users;--'])(
    '%s reads back as the same one name',
    (name) => {
      const [statement] = parsers.parseStatements(`CREATE TABLE ${quoteIdentifier(name)} ()`);
      expect(statement!.body.relation.relname).toBe(name);
    },
  );

  it('quotes each part of a dotted name', () => {
    expect(quoteQualifiedName('public.posts')).toBe('"public"."posts"');
    const [statement] = parsers.parseStatements(`CREATE TABLE ${quoteQualifiedName('te"nant.po"sts')} ()`);
    expect([statement!.body.relation.schemaname, statement!.body.relation.relname]).toEqual(['te"nant', 'po"sts']);
  });
});

it("no other module of the kit quotes a name its own way (pg's escapeIdentifier, or a helper of its own)", () => {
  const sources = (dir: string): string[] =>
    readdirSync(join(projectRoot, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? sources(join(dir, entry.name))
        : entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')
          ? [join(dir, entry.name)]
          : [],
    );
  const offenders = [...sources('src/kit'), ...sources('scripts')].filter(
    (file) =>
      file !== join('src', 'kit', 'sql', 'quote-identifier.ts') &&
      // pg's escapeIdentifier, a quoting helper of its own, or SQL that quotes a name by hand.
      /escapeIdentifier\(|=>\s*`"\$\{|\.map\(\(\w+\) => `"\$\{|\b(DATABASE|TABLE|SCHEMA|INDEX|ON|FROM|INTO|UPDATE|ROLE|TO) "\$\{/.test(
        readFileSync(join(projectRoot, file), 'utf8'),
      ),
  );
  expect(offenders).toEqual([]);
});
