-- expect: none
-- source: Eugene W13 (creating an enum)
-- Allowed on purpose: a Prisma enum is a PostgreSQL enum; adding a value is catalog-only (add-enum-value) and removing one is a type change the linter flags. Use a lookup table when the values carry data of their own.
CREATE TYPE "Priority" AS ENUM ('LOW', 'NORMAL', 'HIGH');
