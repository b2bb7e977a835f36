/**
 * Bundles a TypeScript entry point, with the project files it imports (packages stay external,
 * loaded from node_modules as usual), into one ES module under .data/build/, and rebuilds it only
 * when one of those files or package.json is newer than the bundle.
 *
 * Why: Node 20 cannot run TypeScript by itself, and tsx's loader hooks cost about 0.4 s of CPU
 * per start (every module goes through them, off-thread). The kit's commands start often: the
 * Prisma CLI spawns the schema-engine stand-in several times per command, and a test run starts
 * hundreds of scripts. A fresh bundle starts like plain JavaScript; a stale one costs one esbuild
 * run (about 0.2 s). Plain JavaScript itself, so that it runs before any TypeScript loader.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Whether `bundle` is newer than every file it was built from, package.json and this bundler. */
function isFresh(root, bundle) {
  const inputsFile = `${bundle}.inputs.json`;
  if (!existsSync(bundle) || !existsSync(inputsFile)) return false;
  const builtAt = statSync(bundle).mtimeMs;
  const inputs = [
    ...JSON.parse(readFileSync(inputsFile, 'utf8')).map((file) => join(root, file)),
    join(root, 'package.json'),
    fileURLToPath(import.meta.url),
  ];
  return inputs.every((file) => existsSync(file) && statSync(file).mtimeMs <= builtAt);
}

/**
 * Packages that Node can't load as they are published: @actions/workflow-parser imports its JSON
 * schema without `with { type: 'json' }`, which only a bundler (or tsx) accepts. Their own files
 * are bundled; every package (theirs included) is left to Node, loaded from node_modules.
 */
const BUNDLED_PACKAGES = new Set(['@actions/workflow-parser', '@actions/expressions']);

const packageName = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * esbuild plugin: packages stay external, except BUNDLED_PACKAGES. Subpath imports (`#src/…`,
 * package.json "imports") are the project's own files: esbuild resolves and bundles them.
 */
const packagesExternal = {
  name: 'packages-external',
  setup(build) {
    build.onResolve({ filter: /^[^./#]/ }, (args) =>
      BUNDLED_PACKAGES.has(packageName(args.path)) ? undefined : { path: args.path, external: true },
    );
  },
};

/**
 * A bundle that could not be built because a project file does not compile: an expected error
 * (a typo in a job file), reported by the command layer as one line naming the file and line.
 */
export class BundleError extends Error {
  constructor(message) {
    super(message);
    this.name = 'BundleError';
    this.exitCode = 1;
  }
}

function bundleError(entry, failure) {
  const first = failure.errors?.[0];
  if (!first) return failure;
  const where = first.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : '';
  const more = failure.errors.length > 1 ? ` (and ${failure.errors.length - 1} more)` : '';
  // The generated Prisma Client is imported like a project file, but only `prisma generate` writes it.
  const fix = /generated\/prisma/.test(first.text)
    ? 'Generate the Prisma Client first: npm run generate (or npm run setup).'
    : `Fix that file: ${entry} imports it, so it can't run until it compiles.`;
  return new BundleError(`${where}${first.text}${more}. ${fix}`);
}

const esbuildOptions = (root) => ({
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  write: false,
  metafile: true,
  logLevel: 'silent',
});

/**
 * esbuild plugin: a project module loaded by `import()` (kit.config.ts loads the backfill jobs
 * that way) is bundled as usual when it compiles. When it doesn't, the bundle gets, in its place,
 * a module that throws its one-line BundleError once loaded: only the commands that load it fail,
 * and a command that never does (setup, seed:reference) runs. The files named by the errors are
 * recorded in `brokenFiles`, so that fixing one makes the bundle stale.
 */
const lazyImportsThatCompile = (root, brokenFiles) => ({
  name: 'lazy-imports-that-compile',
  setup(build) {
    build.onResolve({ filter: /^[./]/ }, async (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const path = resolve(args.resolveDir, args.path);
      const { build: esbuild } = await import('esbuild');
      const failure = await esbuild({ ...esbuildOptions(root), entryPoints: [path], plugins: [packagesExternal] }).then(
        () => undefined,
        (error) => error,
      );
      if (!failure) return undefined;
      for (const { location } of failure.errors ?? []) if (location) brokenFiles.add(location.file);
      const error = bundleError(relative(root, path), failure);
      return { path, namespace: 'does-not-compile', pluginData: error.message };
    });
    build.onLoad({ filter: /.*/, namespace: 'does-not-compile' }, (args) => ({
      contents: `import { BundleError } from '#kit/build/bundle-if-stale.mjs';\nthrow new BundleError(${JSON.stringify(args.pluginData)});\n`,
      resolveDir: root,
    }));
  },
});

async function build(root, entry, bundle) {
  const { build: esbuild } = await import('esbuild');
  const brokenFiles = new Set();
  const result = await esbuild({
    ...esbuildOptions(root),
    entryPoints: [entry],
    outfile: bundle,
    plugins: [packagesExternal, lazyImportsThatCompile(root, brokenFiles)],
    // Stack traces of a bug point at the TypeScript files, not at the bundle.
    sourcemap: 'linked',
  }).catch((failure) => {
    throw bundleError(entry, failure);
  });
  const inputs = [
    ...Object.keys(result.metafile.inputs).filter((input) => !input.startsWith('does-not-compile:')),
    ...brokenFiles,
  ];
  mkdirSync(dirname(bundle), { recursive: true });
  // Written under temporary names and renamed, map first: a process started meanwhile (tests
  // start the same script in parallel) never reads half a file or a bundle without its map.
  const pending = [
    ...result.outputFiles.map((file) => [file.path, file.contents]),
    [`${bundle}.inputs.json`, JSON.stringify(inputs)],
  ].sort(([a], [b]) => (a === bundle ? 1 : b === bundle ? -1 : 0));
  for (const [path, contents] of pending) {
    writeFileSync(`${path}.${process.pid}`, contents);
    renameSync(`${path}.${process.pid}`, path);
  }
}

/**
 * The path of an up-to-date bundle of `entry` (relative to `root`), building it first if needed.
 * @param {string} root the project root
 * @param {string} entry e.g. 'scripts/setup.ts'
 * @param {string} bundle where the bundle lives, e.g. '<root>/.data/build/scripts/setup.mjs'
 * @returns {Promise<string>}
 */
export async function bundleIfStale(root, entry, bundle) {
  if (!isFresh(root, bundle)) await build(root, entry, bundle);
  return bundle;
}

/**
 * Imports `entry` (relative to `root`) as a bundle of its own, built now if stale. For code that a
 * script may only load after an earlier step wrote a file it imports: `npm run setup` generates
 * the Prisma Client, then loads the dev seed, whose imports a bundle built before generation
 * could not have resolved.
 * @param {string} root the project root
 * @param {string} entry e.g. 'src/seeding/dev-seed.ts'
 * @returns {Promise<any>}
 */
export async function importBundled(root, entry) {
  const bundle = join(root, '.data', 'build', 'modules', `${entry.replace(/[/\\]/g, '__')}.mjs`);
  return import(pathToFileURL(await bundleIfStale(root, entry, bundle)).href);
}
