/** Small, pure operations on PostgreSQL connection URLs. Every printed URL goes through `redactUrl`. */

export class InvalidDatabaseUrlError extends Error {}

export function parseDatabaseUrl(url: string, source = 'DATABASE_URL'): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidDatabaseUrlError(
      `${source} is not a valid URL. Use postgresql://USER:PASSWORD@HOST:PORT/DATABASE (percent-encode special characters in the password).`,
    );
  }
  if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') {
    throw new InvalidDatabaseUrlError(
      `${source} must start with postgresql:// (got ${parsed.protocol}//). This kit supports PostgreSQL only.`,
    );
  }
  if (!parsed.hostname) {
    throw new InvalidDatabaseUrlError(`${source} has no host. Use postgresql://USER:PASSWORD@HOST:PORT/DATABASE.`);
  }
  return parsed;
}

/** The URL with its password replaced by `***`, safe to print. Never throws. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable database URL>';
  }
}

/** Removes every occurrence of the URL's password from a message (driver errors sometimes echo it). */
export function scrubSecret(message: string, url: string | undefined): string {
  if (!url) return message;
  let out = message.split(url).join(redactUrl(url));
  try {
    const password = decodeURIComponent(new URL(url).password);
    if (password.length > 0) out = out.split(password).join('***');
  } catch {
    /* not a URL: nothing more to scrub */
  }
  return out;
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** True when the URL points at this machine (the embedded server or a local install). */
export function isLocalUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return LOCAL_HOSTS.has(host) || host.startsWith('127.') || host.endsWith('.localhost');
}
