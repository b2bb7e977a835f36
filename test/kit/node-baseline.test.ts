/**
 * The Node.js lines the kit supports (package.json `engines`, enforced by .npmrc's engine-strict;
 * docs/decisions/0017-supported-runtimes.md) are ones every direct dependency supports, and the
 * Node that CI pins (.node-version) is one of them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { expect, it } from 'vitest';
import { projectRoot } from '#kit-test/support/checkout.ts';

const manifest = (path: string) =>
  JSON.parse(readFileSync(path, 'utf8')) as {
    engines?: { node?: string };
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
const kit = manifest(join(projectRoot, 'package.json'));

it('every Node.js version engines allows, every direct dependency allows too', () => {
  const range = kit.engines?.node ?? '';
  // The lowest version of each supported line: if a dependency allows these, it allows the rest.
  const lowest = range.split('||').map((part) => semver.minVersion(part.trim())!.version);
  expect(lowest).toEqual(['22.18.0', '24.11.0', '26.0.0']);
  const names = Object.keys({ ...kit.dependencies, ...kit.devDependencies });
  const refusing = names.flatMap((name) => {
    // Read from node_modules directly: not every package exports its package.json.
    const required = manifest(join(projectRoot, 'node_modules', name, 'package.json')).engines?.node;
    return required
      ? lowest
          .filter((version) => !semver.satisfies(version, required))
          .map((version) => `${name} (${required}) refuses ${version}`)
      : [];
  });
  expect(refusing).toEqual([]);
});

it('the Node CI pins (.node-version) is a supported one', () => {
  const pinned = readFileSync(join(projectRoot, '.node-version'), 'utf8').trim();
  expect(semver.satisfies(pinned, kit.engines?.node ?? '')).toBe(true);
});
