/**
 * The README's everyday loop, walked as a new user would: its commands read from the README and
 * run verbatim in a copy of the checkout (its own git repository, its own database), on a new
 * model that belongs to an existing one; then that model's factory, written the way the README
 * says (from test/factories/post.ts), type-checks and creates rows, and a backfill job of the
 * team's own is listed and runs. `npm test` at the end of the loop is stood in for by the type
 * check, the factory and the job: the whole suite inside the suite would double `npm test`, and
 * the kit's own tests don't read the team's schema, jobs or migration names (they run on
 * test/kit/fixtures/demo-project/).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, inject, it } from 'vitest';
import { withDatabase } from '#kit/db/connection-url.ts';
import { TEST_DATABASE_PREFIX } from '../setup/test-server.ts';
import { copyProject } from '../support/project-copy.ts';

// On the demo project: the README's examples name its tables (posts), whatever the team's are.
const copy = copyProject('everyday-loop', { demo: true });
afterAll(() => copy.remove());
const url = withDatabase(inject('testServerUrl'), `${TEST_DATABASE_PREFIX}everyday_loop_${process.pid}`);

function sh(command: string) {
  const run = spawnSync('bash', ['-c', command], {
    cwd: copy.dir,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: url, KIT_QUIET_ENGINE_LINE: '1' },
    timeout: 170_000,
  });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

const commentModel = `
model Comment {
  id        BigInt   @id @default(autoincrement())
  postId    BigInt   @map("post_id")
  body      String
  createdAt DateTime @default(now()) @map("created_at") @db.Timestamptz(3)
  post      Post     @relation(fields: [postId], references: [id], onDelete: Cascade)

  @@index([postId])
  @@map("comments")
}
`;

const commentJob = `import type { SqlBackfillJob } from '#kit/backfill/job.ts';

export const commentBodyTrim: SqlBackfillJob = {
  name: 'comment-body-trim',
  description: 'Trim whitespace around comment bodies',
  table: 'comments',
  key: 'id',
  pending: 'body <> btrim(body)',
  set: 'body = btrim(body)',
};
`;

// test/factories/post.ts, copied and adapted as the README says: the parent is created unless given.
const commentFactory = `import { faker } from '@faker-js/faker';
import type { Comment, Post, Prisma } from '../../src/generated/prisma/client.ts';
import { bulkInsert } from '#kit-test/factories/bulk-insert.ts';
import { defineFactory, type Db } from '#kit-test/factories/define-factory.ts';
import { postFactory } from './post.ts';

type CommentInput = Omit<Prisma.CommentCreateManyInput, 'postId'> & { postId?: bigint };

const commentRows = defineFactory<CommentInput, Comment, never>({
  defaults: () => ({ body: faker.lorem.sentence() }),
  traits: {},
  insert: (db, rows) =>
    bulkInsert<CommentInput, Comment>(db, {
      table: 'comments',
      columns: { id: ['id', 'int8'], postId: ['post_id', 'int8'], body: ['body', 'text'], createdAt: ['created_at', 'timestamptz'] },
    }, rows),
});

type CommentOverrides = Partial<CommentInput> & { post?: Pick<Post, 'id'> };

export const commentFactory = {
  async create(db: Db, overrides: CommentOverrides = {}): Promise<Comment> {
    const { post, ...rest } = overrides;
    const postId = rest.postId ?? post?.id ?? (await postFactory.create(db)).id;
    return commentRows.create(db, { ...rest, postId });
  },
};
`;

it('migrate dev --create-only, lint, plan, migrate dev, generate: a new model with a relation, and its factory', () => {
  const readme = readFileSync(join(copy.dir, 'README.md'), 'utf8');
  const block = /## The everyday loop\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const loop = block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line && !line.startsWith('#'));
  expect(loop).toEqual([
    'npm run db:start',
    'npx prisma migrate dev --create-only --name add_something',
    'npm run migrate:lint',
    'npm run migrate:plan',
    'npx prisma migrate dev',
    'npm run generate',
    'npm test',
  ]);

  // A team's repository, and its database as `npm run setup` leaves it.
  for (const command of [
    'git init -q -b main',
    'git add -A',
    'git -c user.name=kit -c user.email=kit@example.test commit -q -m start',
    'git checkout -q -b feature',
    'npx prisma migrate deploy',
  ]) {
    const run = sh(command);
    expect(run.code, `${command}\n${run.out}`).toBe(0);
  }
  // "# edit prisma/schema.prisma"
  const schemaPath = join(copy.dir, 'prisma', 'schema.prisma');
  writeFileSync(
    schemaPath,
    readFileSync(schemaPath, 'utf8').replace(
      '  author    User       @relation(',
      '  comments  Comment[]\n  author    User       @relation(',
    ),
  );
  appendFileSync(schemaPath, commentModel);

  for (const command of loop) {
    // DATABASE_URL names this test's database; `npm test` is stood in for below.
    if (command === 'npm run db:start' || command === 'npm test') continue;
    let run = sh(command);
    if (command === 'npm run migrate:lint') {
      // The new model's foreign key locks posts: the linter asks for timeouts, and the README
      // says `--fix` adds them to the generated file (and lints again).
      expect(run.code, run.out).toBe(1);
      expect(run.out).toMatch(/_add_something\/migration\.sql:\d+ {2}require-lock-timeout/);
      run = sh(`${command} -- --fix`);
      expect(run.out).toMatch(/--fix \d+_add_something\n {2}guard rails added: lock_timeout and statement_timeout/);
    }
    expect(run.code, `${command}\n${run.out}`).toBe(0);
  }
  expect(sh('ls prisma/migrations').out).toMatch(/_add_something/);

  writeFileSync(join(copy.dir, 'test', 'factories', 'comment.ts'), commentFactory);
  // A backfill job of the team's own, listed where the README says.
  writeFileSync(join(copy.dir, 'src', 'backfills', 'comment-body-trim.ts'), commentJob);
  const jobList = join(copy.dir, 'src', 'backfills', 'index.ts');
  writeFileSync(
    jobList,
    `import { commentBodyTrim } from './comment-body-trim.ts';\n${readFileSync(jobList, 'utf8').replace(
      'export const backfillJobs: BackfillJob[] = [',
      'export const backfillJobs: BackfillJob[] = [commentBodyTrim, ',
    )}`,
  );
  const typecheck = sh('npm run typecheck');
  expect(typecheck.code, typecheck.out).toBe(0);
  writeFileSync(
    join(copy.dir, 'create-comment.ts'),
    `import { createPrismaClient } from './src/db/client.ts';
import { commentFactory } from './test/factories/comment.ts';
const db = createPrismaClient(process.env.DATABASE_URL!);
const comment = await commentFactory.create(db);
console.log('comments', await db.comment.count({ where: { postId: comment.postId } }));
await db.$disconnect();
`,
  );
  const created = sh('npx tsx create-comment.ts');
  expect(created.out).toMatch(/^comments 1$/m);
  const jobs = sh('npm run --silent backfill -- --list');
  expect(jobs.out).toMatch(/^comment-body-trim\b/m);
  const trimmed = sh('npm run --silent backfill -- comment-body-trim');
  expect(trimmed.code, trimmed.out).toBe(0);
}, 360_000); // ten CLI commands in a row: 115–130 s inside a quiet suite run, 195 s with a CPU hog per core
