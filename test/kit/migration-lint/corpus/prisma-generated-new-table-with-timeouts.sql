-- expect: none
-- source: the kit (a Prisma model with a relation; the safe form)
-- The same, given the timeouts the linter asks for: the wait for the lock on posts is bounded.
SET lock_timeout = '3s';
SET statement_timeout = '30s';
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
RESET statement_timeout;
RESET lock_timeout;
