/**
 * The one guard for commands that write sample data, copy or restore databases, or end other
 * sessions (`seed:dev`, `db:snapshot`, `db:restore`): they run only on a development server.
 *
 * "Local" can't mean an address: a tunnel (Cloud SQL Auth Proxy, `fly proxy`, `kubectl
 * port-forward`, SSH) puts production on 127.0.0.1. So the guard identifies the server itself by
 * its system identifier (`pg_control_system()`, chosen at initdb, the same on every connection to
 * one cluster): it must be the embedded cluster the kit created (read from its own pg_control
 * file), or the one server a developer named in KIT_DEV_SERVER_ID. A tunnel to another server
 * has another identifier, so a stale opt-in can't authorise it.
 *
 * The environment is read case-insensitively and fail-safe: NODE_ENV / APP_ENV of production or
 * prod is production; an environment the kit doesn't know (staging, qa, …) counts as production
 * unless the server is the embedded one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseError } from './database-error.ts';
import { readEmbeddedState } from '../embedded-db/server.ts';
import { withPgClient } from './pg-client.ts';
import { environment } from '../environment.ts';

const PRODUCTION = new Set(['production', 'prod']);
const DEVELOPMENT = new Set(['', 'development', 'dev', 'test', 'local']);

export type EnvironmentKind = 'production' | 'development' | 'unknown';

/** What NODE_ENV and APP_ENV say, the stricter of the two. */
export function runEnvironment(): { kind: EnvironmentKind; said: string } {
  const { NODE_ENV, APP_ENV } = environment();
  const values = [
    ['NODE_ENV', NODE_ENV],
    ['APP_ENV', APP_ENV],
  ].map(([name, value]) => ({ said: `${name}=${value}`, value: (value ?? '').trim().toLowerCase() }));
  const production = values.find(({ value }) => PRODUCTION.has(value));
  if (production) return { kind: 'production', said: production.said };
  const unknown = values.find(({ value }) => !DEVELOPMENT.has(value));
  if (unknown) return { kind: 'unknown', said: unknown.said };
  return { kind: 'development', said: '' };
}

/** The embedded cluster's system identifier: the first 8 bytes of its pg_control file. */
function embeddedServerId(): string | undefined {
  const state = readEmbeddedState();
  if (!state) return undefined;
  try {
    return readFileSync(join(state.clusterDir, 'pgdata', 'global', 'pg_control'))
      .readBigUInt64LE(0)
      .toString();
  } catch {
    return undefined;
  }
}

export async function serverId(url: string): Promise<string> {
  return withPgClient(
    url,
    async (client) =>
      (await client.query<{ id: string }>('SELECT system_identifier::text AS id FROM pg_control_system()')).rows[0]!.id,
  );
}

export interface DevelopmentServerHints {
  /** What to do instead in production, appended to that refusal. */
  production?: string;
}

/**
 * Why `command` must not run on `url` (one line naming the fix), or undefined on a development
 * server in a development environment. For commands that skip a step rather than fail (setup).
 */
export async function developmentServerRefusal(
  url: string,
  command: string,
  hints: DevelopmentServerHints = {},
): Promise<string | undefined> {
  const running = runEnvironment();
  const instead = hints.production ? ` ${hints.production}` : '';
  if (running.kind === 'production') return `Refusing to run ${command} in production (${running.said}).${instead}`;
  const id = await serverId(url);
  if (id === embeddedServerId()) return undefined;
  if (running.kind === 'unknown')
    return `Refusing to run ${command}: ${running.said} is not an environment the kit knows as development (development, dev, test, local), and the server is not the embedded one.${instead}`;
  if (environment().KIT_DEV_SERVER_ID === id) return undefined;
  return `Refusing to run ${command} against ${new URL(url).host}: it is not the embedded server, and an address can't tell a development server from a tunnel to production. If it is a development server of yours, set KIT_DEV_SERVER_ID=${id} (its system identifier) and run this again.`;
}

/** Throws the refusal as a DatabaseError. Call it before anything the command changes or ends. */
export async function assertDevelopmentServer(
  url: string,
  command: string,
  hints: DevelopmentServerHints = {},
): Promise<void> {
  const refusal = await developmentServerRefusal(url, command, hints);
  if (refusal) throw new DatabaseError(refusal);
}
