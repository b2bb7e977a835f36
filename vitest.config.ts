import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Starts (or reuses) the PostgreSQL server and migrates one template database per run.
    globalSetup: ['test/setup/global-setup.ts'],
    // Seeds faker per test so factory data is repeatable.
    setupFiles: ['test/setup/seed-faker.ts'],
    // Files run in parallel, each in its own database cloned from the template.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
