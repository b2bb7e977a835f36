/**
 * `npm run kit -- ci-local <workflow> <job>`: runs a job's `run:` steps in order, with its `env:`,
 * on this machine, so every command in the YAML is proven to work before a push. Steps that need
 * GitHub itself are skipped and listed: actions (`uses:`), the platform deploy (id
 * `platform-deploy`), and `npm ci` (this checkout is already installed; reinstalling would pull
 * the runner's own dependencies from under it).
 */
import { childEnvironment, unlistedVariable } from '../environment.ts';
import { spawnSync } from 'node:child_process';
import { dropDatabasesWithPrefix } from '../db/scratch-databases.ts';
import { WorkflowError } from './workflow-error.ts';
import type { KitSettings } from '../settings.ts';
import { nativeEngineAvailability } from '../schema-engine/select-engine.ts';
import { expandTemplate, type Contexts } from './expressions.ts';
import { loadWorkflow, type WorkflowStep } from './load-workflow.ts';
import { LOCAL_DATABASE_PREFIX, localGithubContext, localSecret, localServiceUrl } from './local-stand-ins.ts';

export const SKIPPED_STEP_IDS: Record<string, string> = { 'platform-deploy': "your platform's deploy" };

export interface StepReport {
  name: string;
  outcome: 'passed' | 'failed' | 'skipped';
  detail: string;
}

export interface JobReport {
  steps: StepReport[];
  notes: string[];
  passed: boolean;
}

const stepName = (step: WorkflowStep, index: number) =>
  step.name ?? step.uses ?? step.run?.split('\n')[0] ?? `step ${index + 1}`;

function skipReason(step: WorkflowStep): string | undefined {
  if (step.uses) return `action ${step.uses.split('@')[0]} needs GitHub`;
  if (step.id && SKIPPED_STEP_IDS[step.id]) return SKIPPED_STEP_IDS[step.id];
  if (step.run && /^\s*npm ci\b[^\n&|;]*$/.test(step.run.trim())) return 'dependencies are already installed here';
  return undefined;
}

/** When a step runs, from its `if:`; the kit's workflows use only these forms. */
function shouldRun(step: WorkflowStep, failed: boolean): boolean {
  const condition = (step.if ?? '').replace(/^\$\{\{\s*|\s*\}\}$/g, '').trim();
  if (condition === '' || condition === 'success()') return !failed;
  if (condition === 'failure()') return failed;
  if (condition === 'always()') return true;
  throw new WorkflowError(`ci:local can't evaluate "if: ${step.if}" (it knows success(), failure() and always())`);
}

export async function runWorkflowJob(
  file: string | undefined,
  jobName: string | undefined,
  serverUrl: string,
  settings: Pick<KitSettings, 'root' | 'workflows'>,
  log: (line: string) => void,
): Promise<JobReport> {
  const { root } = settings;
  const workflow = loadWorkflow(file, settings.workflows);
  const job = jobName === undefined ? undefined : workflow.jobs[jobName];
  if (!job || !jobName)
    throw new WorkflowError(`${jobName ? `No job "${jobName}" in ${workflow.file}` : 'Name a job'}`, {
      fix: `Jobs: ${Object.keys(workflow.jobs).join(', ')}.`,
    });

  // A job that insists on Prisma's native engine can only run where its binary can be had.
  if (job.env?.PRISMA_SCHEMA_ENGINE === 'native') {
    const native = nativeEngineAvailability();
    if (!native.available) {
      const detail = `needs Prisma's native schema engine: ${native.reason}`;
      return { steps: [{ name: `job ${jobName}`, outcome: 'skipped', detail }], notes: [], passed: true };
    }
  }

  const text = JSON.stringify(workflow);
  const notes: string[] = [];
  const secrets: Record<string, string> = {};
  for (const [, name] of text.matchAll(/secrets\.(\w+)/g)) {
    const secret = localSecret(name!, serverUrl, jobName);
    secrets[name!] = secret.value;
    if (secret.note && !notes.includes(secret.note)) notes.push(secret.note);
  }
  const vars = Object.fromEntries(
    [...text.matchAll(/vars\.(\w+)/g)].map(([, name]) => [name!, unlistedVariable(name!) ?? '']),
  );
  const contexts: Contexts = { secrets, vars, github: localGithubContext(root), env: {} };
  if (job.services) notes.push(`services (${Object.keys(job.services).join(', ')}): the embedded PostgreSQL stands in`);

  const resolveEnv = (env: Record<string, string> | undefined) => {
    const resolved: Record<string, string> = {};
    for (const [key, raw] of Object.entries(env ?? {})) {
      const value = expandTemplate(String(raw), { ...contexts, env: { ...contexts.env, ...resolved } });
      resolved[key] = localServiceUrl(value, serverUrl) ?? value;
    }
    return resolved;
  };
  contexts.env = { ...resolveEnv(workflow.env) };
  contexts.env = { ...contexts.env, ...resolveEnv(job.env) };

  await dropDatabasesWithPrefix(serverUrl, LOCAL_DATABASE_PREFIX);
  const steps: StepReport[] = [];
  let failed = false;
  try {
    for (const [index, step] of (job.steps ?? []).entries()) {
      const name = stepName(step, index);
      const skipped = skipReason(step);
      if (skipped) {
        steps.push({ name, outcome: 'skipped', detail: skipped });
        log(`- ${name}: skipped (${skipped})`);
        continue;
      }
      if (!shouldRun(step, failed)) continue;
      if (step.shell && step.shell !== 'bash')
        throw new WorkflowError(`Step "${name}" uses shell ${step.shell}; ci:local runs bash only`);
      const env = { ...contexts.env, ...resolveEnv(step.env) };
      const script = expandTemplate(step.run ?? '', { ...contexts, env });
      log(`▶ ${name}`);
      const started = performance.now();
      // GitHub's default shell on Linux runners.
      const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
        cwd: step['working-directory'] ? `${root}/${step['working-directory']}` : root,
        env: childEnvironment({ CI: 'true', GITHUB_ACTIONS: '', ...env }),
        stdio: 'inherit',
      });
      const seconds = `${((performance.now() - started) / 1000).toFixed(1)} s`;
      if (run.status === 0) {
        steps.push({ name, outcome: 'passed', detail: seconds });
      } else {
        failed = true;
        steps.push({ name, outcome: 'failed', detail: `exit ${run.status ?? run.signal}, ${seconds}` });
        log(`✗ ${name} (exit ${run.status ?? run.signal})`);
      }
    }
  } finally {
    await dropDatabasesWithPrefix(serverUrl, LOCAL_DATABASE_PREFIX);
  }
  return { steps, notes, passed: !failed };
}
