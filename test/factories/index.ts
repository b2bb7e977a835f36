/** Test factories, one per model. The dev seed (src/seeding/dev-seed.ts) builds on these too. */
export { defineFactory, type Db } from '#kit-test/factories/define-factory.ts';
export { userFactory } from './user.ts';
export { roleFactory, grantRole } from './role.ts';
export { postFactory } from './post.ts';
export { featureFlagFactory } from './feature-flag.ts';
