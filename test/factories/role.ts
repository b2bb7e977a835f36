import { faker } from '@faker-js/faker';
import type { Prisma, Role, User } from '../../src/generated/prisma/client.ts';
import { bulkInsert } from '#kit-test/factories/bulk-insert.ts';
import { defineFactory, type Db } from '#kit-test/factories/define-factory.ts';

export const roleFactory = defineFactory<Prisma.RoleCreateManyInput, Role, never>({
  defaults: (n) => ({ name: `${faker.word.noun()}-${n}`, description: faker.lorem.sentence() }),
  traits: {},
  insert: (db, rows) =>
    bulkInsert<Prisma.RoleCreateManyInput, Role>(
      db,
      {
        table: 'roles',
        columns: { id: ['id', 'int4'], name: ['name', 'text'], description: ['description', 'text'] },
      },
      rows,
    ),
});

/** Gives a user a role by name, creating the role when the database doesn't have it yet. */
export async function grantRole(db: Db, user: Pick<User, 'id'>, roleName: string): Promise<void> {
  const role = await db.role.upsert({ where: { name: roleName }, update: {}, create: { name: roleName } });
  await db.userRole.upsert({
    where: { userId_roleId: { userId: user.id, roleId: role.id } },
    update: {},
    create: { userId: user.id, roleId: role.id },
  });
}
