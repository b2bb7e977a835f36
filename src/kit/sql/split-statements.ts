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

/** A run of a script as PostgreSQL's lexer sees it: code, a comment, or a quoted string or name. */
interface Chunk {
  kind: 'code' | 'comment' | 'quoted';
  start: number;
  end: number;
}

/**
 * The one lexer of the kit's SQL reading: cuts a script into code, comments (`--`, nested
 * `/* *\/`) and quoted runs ('…', E'…' with backslash escapes, "…", $tag$…$tag$). Statement
 * splitting and comment stripping both read its chunks, so they can't disagree on where a string
 * ends.
 */
function* chunks(s: string): Generator<Chunk> {
  let code = 0;
  let i = 0;
  const emit = function* (kind: Chunk['kind'], end: number) {
    if (i > code) yield { kind: 'code' as const, start: code, end: i };
    yield { kind, start: i, end };
    i = end;
    code = end;
  };
  while (i < s.length) {
    const ch = s[i];
    const next = s[i + 1];
    if (ch === '-' && next === '-') yield* emit('comment', skipLineComment(s, i));
    else if (ch === '/' && next === '*') yield* emit('comment', skipBlockComment(s, i));
    else if (ch === "'") yield* emit('quoted', skipQuoted(s, i, "'", opensEscapeString(s, i)));
    else if (ch === '"') yield* emit('quoted', skipQuoted(s, i, '"', false));
    else if (ch === '$') {
      const end = skipDollarQuoted(s, i);
      if (end === i + 1)
        i += 1; // a lone `$` or a `$1` parameter: code
      else yield* emit('quoted', end);
    } else i += 1;
  }
  if (s.length > code) yield { kind: 'code', start: code, end: s.length };
}

/** `E'…'`: a string where backslash escapes, unless the E ends a longer word (`tablE'…'` is no such string). */
const opensEscapeString = (s: string, i: number) => /[eE]/.test(s[i - 1] ?? '') && !/\w/.test(s[i - 2] ?? '');

export function splitSqlStatements(script: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let start = 0;
  const flush = (end: number) => {
    const raw = script.slice(start, end);
    if (stripComments(raw).trim().length > 0) {
      const offset = start + firstCodeOffset(raw);
      statements.push({ text: raw.trim(), line: lineAt(script, offset) });
    }
    start = end + 1;
  };
  for (const chunk of chunks(script)) {
    if (chunk.kind !== 'code') continue;
    for (let i = chunk.start; i < chunk.end; i += 1) if (script[i] === ';') flush(i);
  }
  flush(script.length);
  return statements;
}

/** Removes `--` and `/* *\/` comments (each becomes a space), leaving quoted text untouched. */
export function stripComments(sql: string): string {
  let out = '';
  for (const chunk of chunks(sql)) out += chunk.kind === 'comment' ? ' ' : sql.slice(chunk.start, chunk.end);
  return out;
}

/** A statement on one line for a report: comments out, whitespace collapsed, cut at `max` characters. */
export function oneLineSql(sql: string, max = 72): string {
  const line = stripComments(sql).replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
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
