/**
 * The command surface comes from one declaration (src/kit/command-list.mjs): package.json's
 * scripts are exactly what it says, docs/commands.md's table is generated from it, and every
 * `npm run` a previous kit's workflows call still exists (an old name as an alias), so that no
 * adopter's pipeline breaks on `npm run kit -- update`. The previous workflows are kept as they
 * shipped in test/kit/fixtures/previous-workflows/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { commandTable, kitTool, packageScripts } from '#kit/command-list.mjs';
import { projectRoot } from '#kit-test/support/checkout.ts';

const scripts = (
  JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

it('package.json runs what the command list declares, old names as aliases', () => {
  expect(scripts).toEqual(packageScripts());
});

it('docs/commands.md shows the command list (regenerate the table from commandTable() when it changes)', () => {
  expect(readFileSync(join(projectRoot, 'docs', 'commands.md'), 'utf8')).toContain(commandTable());
});

const previous = join(projectRoot, 'test', 'kit', 'fixtures', 'previous-workflows');
const workflows = readdirSync(previous).flatMap((version) =>
  readdirSync(join(previous, version)).map((file) => [`${version}/${file}`, join(previous, version, file)] as const),
);

it.each(workflows)("every npm run in the previous kit's %s still exists", (_name, path) => {
  const called = [...readFileSync(path, 'utf8').matchAll(/npm run ([\w:-]+)/g)].map((match) => match[1] as string);
  expect(called.length).toBeGreaterThan(0);
  expect(called.filter((name) => !(name in scripts))).toEqual([]);
});

/** Markdown the kit ships: the README and docs/ (recorded benchmark runs included: they say how to rerun). */
function markdownFiles(dir: string): string[] {
  return readdirSync(join(projectRoot, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? markdownFiles(join(dir, entry.name))
      : entry.name.endsWith('.md')
        ? [join(dir, entry.name)]
        : [],
  );
}

it.each(['README.md', ...markdownFiles('docs')])('every npm run in %s names a command that exists', (file) => {
  const text = readFileSync(join(projectRoot, file), 'utf8');
  const missing = [...text.matchAll(/npm run (?:-s |--silent )?([\w:][\w:-]*)(?: -- ([\w-]+(?: [\w-]+)?))?/g)].flatMap(
    ([, name, tool]) => {
      if (!(name! in scripts)) return [name!];
      if (name === 'kit' && tool && !kitTool(tool.split(' ')) && !['--help', '-h'].includes(tool))
        return [`kit -- ${tool}`];
      return [];
    },
  );
  expect(missing).toEqual([]);
});
