-- expect: require-lock-timeout, require-statement-timeout
-- source: strong_migrations "adding a reference"; Eugene E9 (the referenced table is locked)
-- What `prisma migrate dev` writes for a new model that belongs to posts: the table is new, but
-- its foreign key takes SHARE ROW EXCLUSIVE on posts, so writers to posts queue behind it.
-- CreateTable
CREATE TABLE "comments" (
    "id" SERIAL NOT NULL,
    "post_id" BIGINT NOT NULL,
    "body" TEXT NOT NULL,
    CONSTRAINT "comments_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "comments_post_id_idx" ON "comments"("post_id");

-- AddForeignKey
ALTER TABLE "comments" ADD CONSTRAINT "comments_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
