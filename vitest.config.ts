import { defineConfig } from 'vitest/config';

/**
 * Two projects on one PostgreSQL server and one migrated template:
 * - `kit` (`npm test`): behaviour. Files run in parallel, each in databases of its own; most of
 *   their time is spent waiting on the Prisma CLI and PostgreSQL, so more workers than cores.
 * - `load` (`npm run test:load`): the proofs under a concurrent writer. One file at a time, so
 *   that each safe-vs-naive comparison shares the machine with nothing but itself.
 */
export default defineConfig({
  test: {
    // Starts (or reuses) the PostgreSQL server and migrates one template database per run.
    globalSetup: ['test/kit/setup/global-setup.ts'],
    // Seeds faker per test so factory data is repeatable.
    setupFiles: ['test/kit/setup/seed-faker.ts'],
    // Every Prisma command the tests run (a few hundred) would otherwise start Prisma's update
    // check and telemetry in a process of its own: a tenth of the suite's CPU on 2 cores.
    env: { CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    pool: 'forks',
    // Generous: a busy machine (CI, a laptop compiling) is several times slower than a quiet one.
    // Tests that run a dozen commands in a row (a CI job, the README loop, every scaffold
    // pattern) set their own budget beside them: measured quiet and with a CPU hog per core.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'kit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/kit/load/**', 'test/kit/fixtures/**'],
          maxWorkers: 4,
        },
      },
      { extends: true, test: { name: 'load', include: ['test/kit/load/**/*.test.ts'], fileParallelism: false } },
    ],
  },
});
