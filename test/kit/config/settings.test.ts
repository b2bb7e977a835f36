/**
 * The settings (src/kit/settings.ts): the layout is declared once, and the real Prisma CLI,
 * loading prisma.config.ts, finds the schema and the migrations where the kit's settings say;
 * library functions are given their settings, so none reads a path of its own (the source is
 * searched for the old module-level constants, and for the modules that ask for the checkout's).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrationFolders } from '#kit/migrations/migration-folders.ts';
import { runPrisma } from '#kit/prisma-cli.ts';
import { checkoutSettings, PROJECT_LAYOUT, settingsFor } from '#kit/settings.ts';
import { projectRoot } from '#kit-test/support/checkout.ts';
import { useTestDatabase } from '../setup/test-database.ts';

const t = useTestDatabase();

describe('settings', () => {
  it('are the layout under a root', () => {
    expect(settingsFor('/srv/app')).toEqual({
      root: '/srv/app',
      schema: '/srv/app/prisma/schema.prisma',
      migrations: '/srv/app/prisma/migrations',
      generatedClient: '/srv/app/src/generated/prisma',
      reference: '/srv/app/prisma/reference',
      backfills: '/srv/app/src/backfills',
      workflows: '/srv/app/.github/workflows',
      data: '/srv/app/.data',
    });
    expect(checkoutSettings()).toEqual(settingsFor(projectRoot));
  });

  it('are where the Prisma CLI, loading prisma.config.ts, finds the schema and the migrations', async () => {
    const settings = checkoutSettings();
    const status = await runPrisma(['migrate', 'status'], {
      url: t.url,
      cwd: settings.root,
      env: { KIT_QUIET_ENGINE_LINE: '1' },
    });
    const output = status.stdout + status.stderr;
    expect(output).toContain(`Prisma schema loaded from ${relative(settings.root, settings.schema)}.`);
    const count = migrationFolders(settings.migrations).length;
    expect(output).toContain(`${count} migrations found in ${relative(settings.root, settings.migrations)}`);
    expect(PROJECT_LAYOUT.migrations).toBe(relative(settings.root, settings.migrations));
  });

  it('are passed in: no kit module outside the settings finds the project root or .data itself', () => {
    expect(kitModulesMatching(/import\.meta\.url\)\)|findProjectRoot|'project-paths/)).toEqual(['src/kit/settings.ts']);
  });

  it("are handed to library code: only the command layer and the checkout's own installation ask for the checkout's", () => {
    // The command layer resolves them once and hands them to the command. The rest are the
    // checkout's own installation, which the app and prisma.config.ts reach without a command:
    // its embedded server under .data, its .env, the engine and linter binaries it runs.
    expect(kitModulesMatching(/checkoutSettings\(\)/)).toEqual([
      'src/kit/embedded-db/postgres-major.ts',
      'src/kit/embedded-db/runtime-location.ts',
      'src/kit/embedded-db/server.ts',
      'src/kit/env.ts',
      'src/kit/migration-lint/run-squawk.ts',
      'src/kit/run-cli.ts',
      'src/kit/schema-engine/select-engine.ts',
      'src/kit/settings.ts',
    ]);
  });
});

/** The src/kit modules whose source matches, relative to the root, sorted. */
function kitModulesMatching(pattern: RegExp): string[] {
  const modules = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? modules(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
    );
  return modules(join(projectRoot, 'src', 'kit'))
    .filter((file) => pattern.test(readFileSync(file, 'utf8')))
    .map((file) => relative(projectRoot, file))
    .sort();
}
