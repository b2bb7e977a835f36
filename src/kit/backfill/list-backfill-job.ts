/**
 * Adds a job file the kit just wrote (a `not-null` scaffold's stub, `--fix`'s backfills) to the
 * team's job list, src/backfills/index.ts, so that writing a job is one edit: its value. The list
 * is the team's file, so the edit is the smallest one that works: an import after the last
 * import, the export appended to `backfillJobs`. When the list isn't in that shape (edited by
 * hand), nothing is changed and the caller says to add the job by hand.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** biome.jsonc's lineWidth. */
const WIDTH = 120;
const LIST = /(export const backfillJobs\s*:\s*BackfillJob\[\]\s*=\s*\[)([\s\S]*?)(\];)/;

/** `user-nickname` → `userNickname`: a job file's export name. */
export const jobExportName = (job: string) => job.replace(/-([a-z0-9])/g, (_, next: string) => next.toUpperCase());

/**
 * Lists `jobFile` (a path in `backfillsDir`, exporting the job as jobExportName of its name) in
 * index.ts. True when it is listed now (or already was); false when index.ts had no list to add to.
 */
export function listBackfillJob(backfillsDir: string, jobFile: string): boolean {
  const indexPath = join(backfillsDir, 'index.ts');
  if (!existsSync(indexPath)) return false;
  const source = readFileSync(indexPath, 'utf8');
  const module = `./${basename(jobFile)}`;
  if (source.includes(`'${module}'`)) return true;
  const list = LIST.exec(source);
  const imports = [...source.matchAll(/^import [^;]+;\n/gm)].at(-1);
  if (!list || !imports) return false;
  const name = jobExportName(basename(jobFile, '.ts'));
  const entries = [
    ...list[2]!
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
    name,
  ];
  // As the formatter writes it: on one line while it fits, else one entry per line.
  const oneLine = `${list[1]}${entries.join(', ')}${list[3]}`;
  const listed = source.replace(
    LIST,
    oneLine.length <= WIDTH ? oneLine : `${list[1]}\n${entries.map((entry) => `  ${entry},\n`).join('')}${list[3]}`,
  );
  const at = imports.index + imports[0].length;
  // The import goes after the last one (the list's own edit comes later in the file, so `at` holds).
  writeFileSync(indexPath, `${listed.slice(0, at)}import { ${name} } from '${module}';\n${listed.slice(at)}`);
  return true;
}
