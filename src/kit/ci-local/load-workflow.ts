/**
 * Reads a workflow from .github/workflows, checks it with GitHub's own workflow parser
 * (@actions/workflow-parser, the one behind the Actions language service), and returns its
 * jobs as plain data for the local runner.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parse } from 'yaml';
import { WorkflowError } from './workflow-error.ts';

export interface WorkflowStep {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  shell?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}

export interface WorkflowJob {
  env?: Record<string, string>;
  steps?: WorkflowStep[];
  services?: Record<string, unknown>;
  environment?: string | { name: string };
}

export interface Workflow {
  file: string;
  env?: Record<string, string>;
  jobs: Record<string, WorkflowJob>;
}

/** Errors GitHub's parser reports for a workflow file's text; empty when valid. */
export function workflowErrors(file: string, content: string): string[] {
  const result = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
  return result.context.errors.getErrors().map((error) => error.message);
}

export const workflowFiles = (workflowsDir: string) =>
  existsSync(workflowsDir)
    ? readdirSync(workflowsDir)
        .filter((name) => /\.ya?ml$/.test(name))
        .sort()
    : [];

/** Every workflow file with the errors GitHub's parser finds in it. */
export function checkWorkflows(workflowsDir: string): Array<{ file: string; errors: string[] }> {
  return workflowFiles(workflowsDir).map((file) => ({
    file,
    errors: workflowErrors(file, readFileSync(join(workflowsDir, file), 'utf8')),
  }));
}

export function loadWorkflow(file: string | undefined, workflowsDir: string): Workflow {
  const known = workflowFiles(workflowsDir);
  if (!file || !known.includes(file)) {
    throw new WorkflowError(`${file ? `No workflow "${file}" in .github/workflows` : 'Name a workflow'}`, {
      fix: `Workflows: ${known.join(', ') || 'none'}.`,
    });
  }
  const content = readFileSync(join(workflowsDir, file), 'utf8');
  const errors = workflowErrors(file, content);
  if (errors.length > 0) throw new WorkflowError(`${file} is not a valid workflow: ${errors[0]}`);
  return { file, ...(parse(content) as Omit<Workflow, 'file'>) };
}
