import { faker } from '@faker-js/faker';
import type { Post, Prisma, User } from '../../src/generated/prisma/client.ts';
import { bulkInsert } from '#kit-test/factories/bulk-insert.ts';
import { defineFactory, type Db } from '#kit-test/factories/define-factory.ts';
import { userFactory } from './user.ts';

type PostInput = Omit<Prisma.PostCreateManyInput, 'authorId'> & { authorId?: number };

const postRows = defineFactory<PostInput, Post, 'published' | 'archived'>({
  defaults: () => ({
    title: faker.lorem.sentence({ min: 3, max: 8 }),
    body: faker.lorem.paragraphs(2),
    status: 'DRAFT',
  }),
  traits: { published: { status: 'PUBLISHED' }, archived: { status: 'ARCHIVED' } },
  insert: (db, rows) =>
    bulkInsert<PostInput, Post>(
      db,
      {
        table: 'posts',
        columns: {
          id: ['id', 'int8'],
          authorId: ['author_id', 'int4'],
          title: ['title', 'text'],
          slug: ['slug', 'text'],
          body: ['body', 'text'],
          status: ['status', 'post_status'],
          createdAt: ['created_at', 'timestamptz'],
          updatedAt: ['updated_at', 'timestamptz'],
        },
      },
      rows,
    ),
});

type PostOverrides = Partial<PostInput> & { author?: Pick<User, 'id'> };
type Trait = 'published' | 'archived';

/** Posts need an author: pass `author` (or `authorId`), or one is created for you. */
async function authorIdFor(db: Db, overrides: PostOverrides): Promise<number> {
  if (overrides.authorId !== undefined) return overrides.authorId;
  if (overrides.author) return overrides.author.id;
  return (await userFactory.create(db)).id;
}

export const postFactory = {
  build: (overrides: Partial<PostInput> = {}, ...traits: Trait[]) => postRows.build(overrides, ...traits),
  async create(db: Db, overrides: PostOverrides = {}, ...traits: Trait[]): Promise<Post> {
    const { author, ...rest } = overrides;
    return postRows.create(db, { ...rest, authorId: await authorIdFor(db, overrides) }, ...traits);
  },
  /** One author for all (`author`/`authorId`, or a new user), or a function giving each row its `authorId`. */
  async createMany(
    db: Db,
    count: number,
    overrides: PostOverrides | ((index: number) => Partial<PostInput> & { authorId: number }) = {},
    ...traits: Trait[]
  ): Promise<Post[]> {
    if (typeof overrides === 'function') return postRows.createMany(db, count, overrides, ...traits);
    const { author, ...rest } = overrides;
    const authorId = await authorIdFor(db, overrides);
    return postRows.createMany(db, count, { ...rest, authorId }, ...traits);
  },
};
