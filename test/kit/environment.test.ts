/**
 * The environment the kit reads, declared once (src/kit/environment.ts): docs/environment.md
 * lists exactly those variables, a wrong value is refused in one line naming the variable and
 * what it accepts, and no other module of the kit reads process.env for its settings.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { childEnvironment, environment, environmentTable } from '#kit/environment.ts';
import { projectRoot } from '#kit-test/support/checkout.ts';

it('docs/environment.md lists the declared variables (regenerate its table from environmentTable())', () => {
  expect(readFileSync(join(projectRoot, 'docs', 'environment.md'), 'utf8')).toContain(environmentTable());
});

it.each([
  [
    { PRISMA_SCHEMA_ENGINE: 'fast' },
    'PRISMA_SCHEMA_ENGINE must be one of native, wasm, auto (got "fast"). Fix it in .env or unset it.',
  ],
  [{ KIT_ALLOW_POOLED_URL: 'yes' }, 'KIT_ALLOW_POOLED_URL must be 1 or 0 (got "yes"). Fix it in .env or unset it.'],
  [
    { EMBEDDED_POSTGRES_PORT: '70000' },
    'EMBEDDED_POSTGRES_PORT must be a port number (got "70000"). Fix it in .env or unset it.',
  ],
  [
    { PRISMA_ENGINE_PROBE_TIMEOUT_MS: '2s' },
    'PRISMA_ENGINE_PROBE_TIMEOUT_MS must be a positive whole number (got "2s"). Fix it in .env or unset it.',
  ],
])('refuses %o in one line', (env, message) => {
  expect(() => environment(env)).toThrow(message);
});

it('reads values typed, with their defaults', () => {
  expect(
    environment({ DATABASE_URL: ' postgresql://x@h/db ', KIT_ALLOW_POOLED_URL: '1', EMBEDDED_POSTGRES_PORT: '5433' }),
  ).toMatchObject({
    DATABASE_URL: 'postgresql://x@h/db',
    KIT_ALLOW_POOLED_URL: true,
    EMBEDDED_POSTGRES_PORT: 5433,
    PRISMA_SCHEMA_ENGINE: 'auto',
    SHADOW_DATABASE_URL: undefined,
  });
});

it('no module of the kit touches process.env but environment.ts: reads, writes and what a child process gets go through it', () => {
  const sources = (dir: string): string[] =>
    readdirSync(join(projectRoot, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? sources(join(dir, entry.name))
        : /\.(ts|mjs)$/.test(entry.name)
          ? [join(dir, entry.name)]
          : [],
    );
  const offenders = sources('src/kit').filter(
    (file) =>
      file !== join('src', 'kit', 'environment.ts') &&
      readFileSync(join(projectRoot, file), 'utf8')
        .split('\n')
        .some((line) => line.includes('process.env') && !/^\s*(\*|\/\/)/.test(line)),
  );
  expect(offenders).toEqual([]);
});

it("gives a child process this one's environment with the overrides, leaving out those set to undefined", () => {
  process.env.KIT_TEST_INHERITED = 'kept';
  try {
    const env = childEnvironment({ KIT_TEST_ADDED: 'added', KIT_TEST_INHERITED: undefined, PATH: '/bin' });
    expect(env.KIT_TEST_ADDED).toBe('added');
    expect(env.PATH).toBe('/bin');
    expect('KIT_TEST_INHERITED' in env).toBe(false);
    expect(process.env.KIT_TEST_INHERITED).toBe('kept');
  } finally {
    delete process.env.KIT_TEST_INHERITED;
  }
});
