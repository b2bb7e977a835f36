/**
 * Splits a PostgreSQL script into statements the way the server's own lexer would see them:
 * a `;` ends a statement only outside quotes, dollar quotes and comments.
 *
 * Why: the schema-engine stand-in runs migration files one statement at a time (as Prisma 7's
 * native engine does), and @prisma/adapter-pg's own `executeScript` splits on every `;`, which
 * cuts through `$$ … $$` function bodies, `DO` blocks and string literals. The migration linter
 * uses the same split so that a finding points at the line its statement starts on.
 *
 * Not handled: SQL-standard function bodies (`BEGIN ATOMIC … END`); write functions with `$$`.
 */
export interface SqlStatement {
  /** The statement text without its terminating semicolon, trimmed. */
  text: string;
  /** 1-based line of the statement's first character that is not whitespace or a comment. */
  line: number;
}

export function splitSqlStatements(script: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let start = 0;
  let i = 0;
  const n = script.length;

  const flush = (end: number) => {
    const raw = script.slice(start, end);
    if (stripComments(raw).trim().length > 0) {
      const offset = start + firstCodeOffset(raw);
      statements.push({ text: raw.trim(), line: lineAt(script, offset) });
    }
    start = end + 1;
  };

  while (i < n) {
    const ch = script[i];
    const next = script[i + 1];
    if (ch === '-' && next === '-') {
      i = skipLineComment(script, i);
    } else if (ch === '/' && next === '*') {
      i = skipBlockComment(script, i);
    } else if (ch === "'") {
      const escapes = /[eE]/.test(script[i - 1] ?? '') && !/\w/.test(script[i - 2] ?? '');
      i = skipQuoted(script, i, "'", escapes);
    } else if (ch === '"') {
      i = skipQuoted(script, i, '"', false);
    } else if (ch === '$') {
      i = skipDollarQuoted(script, i);
    } else if (ch === ';') {
      flush(i);
      i += 1;
    } else {
      i += 1;
    }
  }
  flush(n);
  return statements;
}

/** Removes `--` and `/* *\/` comments, leaving quoted text untouched. */
export function stripComments(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      i = skipLineComment(sql, i);
      out += ' ';
    } else if (ch === '/' && next === '*') {
      i = skipBlockComment(sql, i);
      out += ' ';
    } else if (ch === "'" || ch === '"' || ch === '$') {
      const end =
        ch === '$' ? skipDollarQuoted(sql, i) : skipQuoted(sql, i, ch, ch === "'" && /[eE]/.test(sql[i - 1] ?? ''));
      out += sql.slice(i, end);
      i = end;
    } else {
      out += ch;
      i += 1;
    }
  }
  return out;
}

function skipLineComment(s: string, i: number): number {
  const end = s.indexOf('\n', i);
  return end === -1 ? s.length : end;
}

function skipBlockComment(s: string, i: number): number {
  // PostgreSQL block comments nest.
  let depth = 0;
  while (i < s.length) {
    if (s[i] === '/' && s[i + 1] === '*') {
      depth += 1;
      i += 2;
    } else if (s[i] === '*' && s[i + 1] === '/') {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  return s.length;
}

function skipQuoted(s: string, i: number, quote: string, backslashEscapes: boolean): number {
  i += 1;
  while (i < s.length) {
    const ch = s[i];
    if (backslashEscapes && ch === '\\') {
      i += 2;
    } else if (ch === quote) {
      if (s[i + 1] === quote)
        i += 2; // doubled quote is an escaped quote
      else return i + 1;
    } else {
      i += 1;
    }
  }
  return s.length;
}

function skipDollarQuoted(s: string, i: number): number {
  // `$tag$` where tag is empty or an identifier not starting with a digit; `$1` is a parameter.
  const match = /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(s.slice(i, i + 64));
  if (!match || /\w/.test(s[i - 1] ?? '')) return i + 1;
  const tag = match[0];
  const close = s.indexOf(tag, i + tag.length);
  return close === -1 ? s.length : close + tag.length;
}

function firstCodeOffset(raw: string): number {
  let i = 0;
  while (i < raw.length) {
    if (/\s/.test(raw[i] ?? '')) i += 1;
    else if (raw[i] === '-' && raw[i + 1] === '-') i = skipLineComment(raw, i);
    else if (raw[i] === '/' && raw[i + 1] === '*') i = skipBlockComment(raw, i);
    else return i;
  }
  return 0;
}

function lineAt(s: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i += 1) if (s[i] === '\n') line += 1;
  return line;
}
