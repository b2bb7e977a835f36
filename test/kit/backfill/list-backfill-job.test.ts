/** Writing a backfill job is one edit: the kit lists the job files it writes (src/kit/backfill/list-backfill-job.ts). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { listBackfillJob } from '#kit/backfill/list-backfill-job.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function withIndex(source: string) {
  const dir = mkdtempSync(join(tmpdir(), 'backfills-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'index.ts'), source);
  return { dir, index: () => readFileSync(join(dir, 'index.ts'), 'utf8') };
}
const HEAD = "import type { BackfillJob } from '#kit/backfill/job.ts';\n";

// [case, index.ts before, the job file, index.ts after]
const CASES: Array<[string, string, string, string]> = [
  [
    'the empty list init leaves',
    `${HEAD}\nexport const backfillJobs: BackfillJob[] = [];\n`,
    'user-nickname.ts',
    `${HEAD}import { userNickname } from './user-nickname.ts';\n\nexport const backfillJobs: BackfillJob[] = [userNickname];\n`,
  ],
  [
    'a list on one line',
    `${HEAD}import { postSlug } from './post-slug.ts';\n\nexport const backfillJobs: BackfillJob[] = [postSlug];\n`,
    'users-headline.ts',
    `${HEAD}import { postSlug } from './post-slug.ts';\nimport { usersHeadline } from './users-headline.ts';\n\nexport const backfillJobs: BackfillJob[] = [postSlug, usersHeadline];\n`,
  ],
  [
    'a list too long for one line, as the formatter writes it',
    `${HEAD}\nexport const backfillJobs: BackfillJob[] = [firstJobWithALongName, secondJobWithALongName, thirdJobWithALongName];\n`,
    'fourth-job.ts',
    `${HEAD}import { fourthJob } from './fourth-job.ts';\n\nexport const backfillJobs: BackfillJob[] = [\n  firstJobWithALongName,\n  secondJobWithALongName,\n  thirdJobWithALongName,\n  fourthJob,\n];\n`,
  ],
];

it.each(CASES)('%s: the import after the last one, the job at the end of the list', (_case, before, job, after) => {
  const { dir, index } = withIndex(before);
  expect(listBackfillJob(dir, join(dir, job))).toBe(true);
  expect(index()).toBe(after);
  expect(listBackfillJob(dir, join(dir, job))).toBe(true); // listed once
  expect(index()).toBe(after);
});

it('leaves a list it does not recognise alone, and says so', () => {
  const source = `${HEAD}import * as jobs from './all.ts';\n\nexport const backfillJobs = Object.values(jobs) as BackfillJob[];\n`;
  const { dir, index } = withIndex(source);
  expect(listBackfillJob(dir, join(dir, 'new-job.ts'))).toBe(false);
  expect(index()).toBe(source);
});
