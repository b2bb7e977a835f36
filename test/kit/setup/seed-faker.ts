import { faker } from '@faker-js/faker';
import { beforeEach } from 'vitest';

// Same test, same data: a failure seen once can be replayed.
beforeEach((context) => {
  let hash = 0;
  for (const ch of context.task.name) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  faker.seed(Math.abs(hash));
});
