import { describe, expect, it } from 'vitest';
import { splitSqlStatements, stripComments } from '#kit/sql/split-statements.ts';

const texts = (sql: string) => splitSqlStatements(sql).map((s) => s.text);

describe('splitSqlStatements', () => {
  it('splits on semicolons and reports the line each statement starts on', () => {
    expect(splitSqlStatements('SELECT 1;\n\n-- note\nSELECT 2;')).toEqual([
      { text: 'SELECT 1', line: 1 },
      { text: '-- note\nSELECT 2', line: 4 },
    ]);
  });

  it('keeps semicolons inside quotes, identifiers, dollar quotes and comments', () => {
    const sql = `INSERT INTO t VALUES ('a;b', E'c\\';d');
CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END $body$;
SELECT "odd;name" FROM t /* x; y */;
DO $$ BEGIN PERFORM 1; END $$`;
    expect(texts(sql)).toHaveLength(4);
    expect(texts(sql)[1]).toContain('RETURN 1; END $body$');
  });

  it('treats $1 as a parameter, not a dollar quote', () => {
    expect(texts('SELECT $1; SELECT 2')).toEqual(['SELECT $1', 'SELECT 2']);
  });

  it('drops empty and comment-only pieces', () => {
    expect(texts(';;  -- only a comment\n;')).toEqual([]);
  });

  it('splitting and comment stripping read E-strings alike (one lexer), and an identifier ending in e is no E-string', () => {
    const sql = `SELECT E'it\\'s -- not a comment';\nSELECT note'x' FROM t -- gone\n;`;
    expect(stripComments(sql)).toContain("E'it\\'s -- not a comment'");
    expect(stripComments(sql)).not.toContain('gone');
    expect(splitSqlStatements(sql).map((statement) => statement.line)).toEqual([1, 2]);
  });

  it('stripComments removes comments but not quoted text', () => {
    expect(stripComments("SELECT '--not' -- gone\n/* gone */ 1").replace(/\s+/g, ' ').trim()).toBe("SELECT '--not' 1");
  });
});
