import { faker } from '@faker-js/faker';
import type { FeatureFlag, Prisma } from '../../src/generated/prisma/client.ts';
import { bulkInsert } from '#kit-test/factories/bulk-insert.ts';
import { defineFactory } from '#kit-test/factories/define-factory.ts';

export const featureFlagFactory = defineFactory<Prisma.FeatureFlagCreateManyInput, FeatureFlag, 'enabled'>({
  defaults: (n) => ({ key: `${faker.word.verb()}-${n}`, enabled: false, description: faker.lorem.sentence() }),
  traits: { enabled: { enabled: true } },
  insert: (db, rows) =>
    bulkInsert<Prisma.FeatureFlagCreateManyInput, FeatureFlag>(
      db,
      {
        table: 'feature_flags',
        columns: {
          id: ['id', 'int4'],
          key: ['key', 'text'],
          enabled: ['enabled', 'bool'],
          description: ['description', 'text'],
        },
      },
      rows,
    ),
});
