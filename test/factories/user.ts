import { faker } from '@faker-js/faker';
import type { Prisma, User } from '../../src/generated/prisma/client.ts';
import { bulkInsert } from '#kit-test/factories/bulk-insert.ts';
import { defineFactory } from '#kit-test/factories/define-factory.ts';

type UserInput = Prisma.UserCreateManyInput;

export const userFactory = defineFactory<UserInput, User, 'inactive'>({
  defaults: (n) => {
    const first = faker.person.firstName();
    const last = faker.person.lastName();
    return {
      // The sequence keeps emails unique however many users a test makes.
      email: `${first}.${last}.${n}@example.test`.toLowerCase(),
      displayName: `${first} ${last}`,
      active: true,
    };
  },
  traits: { inactive: { active: false } },
  insert: (db, rows) =>
    bulkInsert<UserInput, User>(
      db,
      {
        table: 'users',
        columns: {
          id: ['id', 'int4'],
          email: ['email', 'text'],
          displayName: ['display_name', 'text'],
          active: ['active', 'bool'],
          createdAt: ['created_at', 'timestamptz'],
          timezone: ['timezone', 'text'],
        },
      },
      rows,
    ),
});
