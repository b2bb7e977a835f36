-- expect: foreign-key-without-index, require-lock-timeout, require-statement-timeout
-- source: Eugene's hint on foreign keys without an index; what `prisma migrate dev` writes for a relation without @@index
-- A new model that belongs to posts, with no @@index([postId]): PostgreSQL indexes posts.id, not
-- comments.post_id, so every delete of a post scans comments for its references.
-- CreateTable
CREATE TABLE "comments" (
    "id" SERIAL NOT NULL,
    "post_id" BIGINT NOT NULL,
    "body" TEXT NOT NULL,
    CONSTRAINT "comments_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "comments" ADD CONSTRAINT "comments_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
