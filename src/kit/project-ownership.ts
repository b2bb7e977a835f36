/**
 * Whose each path of a project is (docs/concepts.md's Layout table): the kit's, replaced by
 * `npm run kit -- update`, or the team's, which the kit never reads in its own tests. package.json,
 * .github/workflows and the README are shared and merged by hand or by kit update.
 */

/** The kit's paths: replaced wholesale by an update. */
export const KIT_PATHS = [
  'src/kit',
  'test/kit',
  'scripts',
  'docs',
  'prisma.config.ts',
  'vitest.config.ts',
  'tsconfig.json',
  'biome.jsonc',
  'knip.json',
  '.ci',
  'CHANGELOG.md',
];

/** Where a file the kit no longer has is removed too (docs/ may hold the team's own pages). */
export const KIT_OWNED_TREES = ['src/kit', 'test/kit', 'scripts'];

/** The team's files: its schema, migrations and reference data, kit.config.ts, code and tests. */
export const isTeamPath = (path: string) =>
  path === 'kit.config.ts' ||
  path.startsWith('prisma/') ||
  (path.startsWith('src/') && !path.startsWith('src/kit/')) ||
  (path.startsWith('test/') && !path.startsWith('test/kit/'));
