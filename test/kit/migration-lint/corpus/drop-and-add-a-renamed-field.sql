-- expect: drop-and-add-looks-like-rename, ban-drop-column, require-lock-timeout, require-statement-timeout
-- source: prisma/prisma#4245, #7710 (a renamed field generated as DROP COLUMN + ADD COLUMN); pgroll's rename_column
-- What `prisma migrate dev` writes when the Post field `body` is renamed to `content` without @map:
-- the old column's values are dropped, and the new column starts with the default.
/*
  Warnings:

  - You are about to drop the column `body` on the `posts` table. All the data in the column will be lost.

*/
-- AlterTable
ALTER TABLE "posts" DROP COLUMN "body",
ADD COLUMN     "content" TEXT NOT NULL DEFAULT '';
