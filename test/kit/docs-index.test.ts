/** docs/README.md indexes every page under docs/, and every link in it resolves. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot } from '#kit-test/support/checkout.ts';

const docs = join(projectRoot, 'docs');
const pages = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? pages(join(dir, entry.name))
      : entry.name.endsWith('.md')
        ? [relative(docs, join(dir, entry.name))]
        : [],
  );

it('docs/README.md links every page (a folder with its own README is linked through it)', () => {
  const index = readFileSync(join(docs, 'README.md'), 'utf8');
  const links = [...index.matchAll(/\]\(([^)]+\.md)\)/g)].map(([, link]) => link!);
  for (const link of links) expect(existsSync(join(docs, link)), link).toBe(true);
  const indexedFolders = links
    .filter((link) => link.endsWith('/README.md'))
    .map((link) => link.replace(/README\.md$/, ''));
  const unlisted = pages(docs).filter(
    (page) =>
      page !== 'README.md' && !links.includes(page) && !indexedFolders.some((folder) => page.startsWith(folder)),
  );
  expect(unlisted).toEqual([]);
});
