import { describe, expect, it } from 'vitest';
import { isLocalUrl, parseDatabaseUrl, redactUrl, scrubSecret, withDatabase } from '#kit/db/connection-url.ts';

describe('connection URLs', () => {
  it('redacts the password and scrubs it from messages', () => {
    const url = 'postgresql://app:s3cr%40t@db.internal:5432/app';
    expect(redactUrl(url)).toBe('postgresql://app:***@db.internal:5432/app');
    expect(scrubSecret(`failed for ${url} with s3cr@t`, url)).toBe(
      'failed for postgresql://app:***@db.internal:5432/app with ***',
    );
  });

  it('rejects what is not a PostgreSQL URL with the fix in the message', () => {
    expect(() => parseDatabaseUrl('localhost:5432')).toThrow(/must start with postgresql:\/\//);
    expect(() => parseDatabaseUrl('nonsense')).toThrow(
      /not a valid URL\. Use postgresql:\/\/USER:PASSWORD@HOST:PORT\/DATABASE/,
    );
  });

  it('swaps the database and tells local from remote', () => {
    expect(withDatabase('postgresql://u:p@127.0.0.1:5/app', 'other')).toBe('postgresql://u:p@127.0.0.1:5/other');
    expect(isLocalUrl('postgresql://u:p@localhost/app')).toBe(true);
    expect(isLocalUrl('postgresql://u:p@db.example.com/app')).toBe(false);
  });
});
