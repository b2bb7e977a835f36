import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { useCompileCache } from './src/kit/build/compile-cache.mjs';

// The workers, and the Prisma commands and scripts a test starts, inherit it: as the kit's commands do.
useCompileCache(fileURLToPath(new URL('.', import.meta.url)), process.env);

/**
 * The walks: tests that run a documented sequence of real commands end to end (the README loop,
 * migrate:lint on a branch, kit bench seed, the CI jobs, init on a fresh clone, every scaffold
 * pattern deployed, the recovery and rollback walks, the Prisma CLI contract). Each spends most of its time starting the Prisma CLI, about
 * 2 s of CPU per command (docs/decisions/0015-fast-tests-and-walks.md).
 */
const WALKS = [
  'test/kit/readme/**/*.test.ts',
  'test/kit/migration-lint/lint-on-a-branch.test.ts',
  'test/kit/scripts/bench-seed.test.ts',
  'test/kit/ci/workflows.test.ts',
  'test/kit/project-init/**/*.test.ts',
  'test/kit/migration-scaffold/**/*.test.ts',
  'test/kit/migrations/recover.test.ts',
  'test/kit/migrations/deploy-retries.test.ts',
  'test/kit/migrations/previous-release-client.test.ts',
  'test/kit/migrations/rollback.test.ts',
  'test/kit/schema-engine/conformance.test.ts',
  'test/kit/schema-engine/named-schema.test.ts',
];

/**
 * Three projects on one PostgreSQL server and one migrated template:
 * - `kit` (`npm test`): behaviour, everything but the walks and the load proofs. Files run in
 *   parallel, each in databases of its own; most of their time is spent waiting on the Prisma CLI
 *   and PostgreSQL, so more workers than cores.
 * - `walks` (`npm run test:walks`): the walks above, in parallel the same way.
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
          exclude: ['test/kit/load/**', 'test/kit/fixtures/**', ...WALKS],
          maxWorkers: 4,
          // A worker process runs file after file without starting afresh for each: a fresh start
          // imported vitest, faker, pg and the kit again, 66 s of CPU in `npm test` on 2 cores
          // (docs/benchmarks/test-time.md). Files share no module state they depend on: each makes
          // its own databases and checkout copies, and one that sets a variable in process.env
          // puts it back. The load proofs keep a process per file, so that no earlier file's
          // garbage is collected during a measured write.
          isolate: false,
        },
      },
      { extends: true, test: { name: 'walks', include: WALKS, maxWorkers: 4, isolate: false } },
      { extends: true, test: { name: 'load', include: ['test/kit/load/**/*.test.ts'], fileParallelism: false } },
    ],
  },
});
