-- expect: none
-- source: squawk prefer-bigint-over-int / prefer-identity (turned off in .squawk.toml)
-- Allowed on purpose: Prisma writes `Int @id @default(autoincrement())` this way; choose BigInt in schema.prisma for tables that can pass 2^31 rows.
SET lock_timeout = '3s';
SET statement_timeout = '5s';
CREATE TABLE IF NOT EXISTS "tags" ("id" SERIAL NOT NULL, "name" TEXT NOT NULL, CONSTRAINT "tags_pkey" PRIMARY KEY ("id"));
