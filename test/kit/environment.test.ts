/**
 * The environment the kit reads, declared once (src/kit/environment.ts): docs/environment.md
 * lists exactly those variables, a wrong value is refused in one line naming the variable and
 * what it accepts, and no other module of the kit reads process.env for its settings.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { environment, environmentTable } from '#kit/environment.ts';
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

it('no module of the kit reads process.env for a setting (the variables of a workflow run locally aside)', () => {
  const sources = (dir: string): string[] =>
    readdirSync(join(projectRoot, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
    );
  // Reading: `process.env.NAME` or `process.env[name]` not being assigned; spreading it into a child's env is not reading.
  const reads = /process\.env(\.\w+(?!\w)|\[[^\]]+\])(?!\s*=[^=])/;
  const offenders = sources('src/kit').filter(
    (file) =>
      file !== join('src', 'kit', 'environment.ts') &&
      // ci-local hands a workflow the variables and secrets it names: they are the workflow's, not the kit's.
      !file.startsWith(join('src', 'kit', 'ci-local')) &&
      readFileSync(join(projectRoot, file), 'utf8')
        .split('\n')
        .some((line) => reads.test(line) && !/^\s*(\*|\/\/)/.test(line) && !/delete process\.env/.test(line)),
  );
  expect(offenders).toEqual([]);
});
