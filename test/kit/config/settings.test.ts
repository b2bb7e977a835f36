/**
 * The settings (src/kit/settings.ts): the layout is declared once, and the real Prisma CLI,
 * loading prisma.config.ts, finds the schema and the migrations where the kit's settings say;
 * library functions are given their settings, so none reads a path of its own (the source is
 * searched for the old module-level constants).
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
    const status = await runPrisma(['migrate', 'status'], { url: t.url, env: { KIT_QUIET_ENGINE_LINE: '1' } });
    const output = status.stdout + status.stderr;
    expect(output).toContain(`Prisma schema loaded from ${relative(settings.root, settings.schema)}.`);
    const count = migrationFolders(settings.migrations).length;
    expect(output).toContain(`${count} migrations found in ${relative(settings.root, settings.migrations)}`);
    expect(PROJECT_LAYOUT.migrations).toBe(relative(settings.root, settings.migrations));
  });

  it('are passed in: no kit module outside the settings finds the project root or .data itself', () => {
    const modules = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? modules(join(dir, entry.name))
          : entry.name.endsWith('.ts')
            ? [join(dir, entry.name)]
            : [],
      );
    const rootFinders = modules(join(projectRoot, 'src', 'kit')).filter((file) =>
      /import\.meta\.url\)\)|findProjectRoot|'project-paths/.test(readFileSync(file, 'utf8')),
    );
    expect(rootFinders.map((file) => relative(projectRoot, file))).toEqual(['src/kit/settings.ts']);
  });
});
