/**
 * `npm run kit -- ci-local <workflow file> <job>`, e.g. `npm run kit -- ci-local ci.yml migrations`
 * Runs a GitHub Actions job's run-steps here, against the embedded PostgreSQL, and lists what
 * it skipped because only GitHub can do it.
 * `npm run kit -- ci-local --check` checks every workflow with GitHub's workflow parser, and that
 * ci.yml's matrix job runs the cells of `npm run kit -- test-matrix`.
 */
import { KitError } from '#kit/kit-error.ts';
import { checkWorkflows } from '#kit/ci-local/load-workflow.ts';
import { runWorkflowJob } from '#kit/ci-local/run-job.ts';
import { withDatabase } from '#kit/db/connection-url.ts';
import { ensureDatabase } from '#kit/db/database-url.ts';
import { runCli } from '#kit/run-cli.ts';
import type { KitSettings } from '#kit/settings.ts';
import { ciMatrixDrift } from '#kit/test-matrix/ci-matrix.ts';

const USAGE =
  'Usage: npm run kit -- ci-local <workflow file> <job>   (e.g. ci.yml migrations, deploy.yml deploy) | --check';

function check(settings: KitSettings): void {
  const results = checkWorkflows(settings.workflows);
  for (const { file, errors } of results)
    console.log(errors.length === 0 ? `${file}: valid` : `${file}:\n  ${errors.join('\n  ')}`);
  const invalid = results.filter((result) => result.errors.length > 0).length;
  if (invalid > 0) throw new KitError(`${invalid} of ${results.length} workflow(s) invalid (GitHub's workflow parser)`);
  const drift = ciMatrixDrift(settings);
  for (const line of drift) console.log(line);
  if (drift.length > 0)
    throw new KitError(
      `ci.yml's matrix job differs from npm run kit -- test-matrix (src/kit/test-matrix/cells.ts): make them the same`,
    );
  console.log('ci.yml matrix: the cells of npm run kit -- test-matrix');
}

runCli(async (argv, settings) => {
  if (argv.length === 1 && argv[0] === '--check') return check(settings);
  const [file, job, extra] = argv;
  if (!file || !job || extra !== undefined || file.startsWith('-'))
    throw new KitError('Name a workflow file and a job', { fix: USAGE });
  const started = performance.now();
  // Validate the workflow and job before starting anything.
  const server = withDatabase((await ensureDatabase()).url, 'postgres');
  const report = await runWorkflowJob(file, job, server, settings, (line) => console.log(line));
  const counts = (outcome: string) => report.steps.filter((step) => step.outcome === outcome).length;
  console.log(
    `\nci:local ${file} ${job}: ${counts('passed')} passed, ${counts('failed')} failed, ${counts('skipped')} skipped in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  for (const step of report.steps.filter((entry) => entry.outcome !== 'passed'))
    console.log(`  ${step.outcome}: ${step.name} (${step.detail})`);
  for (const note of report.notes) console.log(`  note: ${note}`);
  if (!report.passed)
    throw new KitError(`${file} ${job} failed at "${report.steps.find((step) => step.outcome === 'failed')?.name}"`);
});
