import { defineTransformJob } from '#kit/backfill/job.ts';
import type { Post } from '../generated/prisma/client.ts';
import { postSlug } from '../posts/post-slug.ts';

/**
 * Fills posts.slug for posts written before the app computed it. A TypeScript transform: the value
 * comes from the app's own function (src/posts/post-slug.ts), which SQL can't express, so that old
 * and new rows agree. Rows arrive typed as the Prisma model's fields.
 */
export const postSlugBackfill = defineTransformJob({
  name: 'post-slug',
  description: "Fill posts.slug from the title with the app's slug function",
  table: 'posts',
  key: 'id',
  pending: 'slug IS NULL',
  read: { id: 'id', title: 'title' },
  write: { slug: 'slug' },
  transform: (posts: Array<Pick<Post, 'id' | 'title'>>) => posts.map((post) => ({ slug: postSlug(post.title) })),
});
