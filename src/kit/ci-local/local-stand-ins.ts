/**
 * What the local runner puts where GitHub would provide something: the embedded PostgreSQL for
 * service containers and database secrets (each in a scratch database it drops afterwards), this
 * checkout for the github context, the local environment for vars and other secrets.
 */
import { unlistedVariable } from '../environment.ts';
import { withDatabase } from '../db/connection-url.ts';
import { git } from '../git.ts';

export const LOCAL_DATABASE_PREFIX = 'kit_ci_local_';

/** A URL for a CI service container (localhost:5432) becomes the same database name, locally. */
export function localServiceUrl(value: string, serverUrl: string): string | undefined {
  const match = /^postgres(?:ql)?:\/\/[^@]*@(?:localhost|127\.0\.0\.1):5432\/([\w-]+)/.exec(value);
  if (!match) return undefined;
  const database = match[1]!;
  return withDatabase(
    serverUrl,
    database === 'postgres' ? 'postgres' : `${LOCAL_DATABASE_PREFIX}${database.replace(/-/g, '_')}`,
  );
}

/** A secret locally: database URLs point at a scratch database; others come from the environment. */
export function localSecret(name: string, serverUrl: string, job: string): { value: string; note?: string } {
  if (/DATABASE_URL$/.test(name))
    return { value: withDatabase(serverUrl, `${LOCAL_DATABASE_PREFIX}${job.replace(/-/g, '_')}`) };
  const value = unlistedVariable(name);
  return value === undefined ? { value: '', note: `secret ${name} is not set locally (empty)` } : { value };
}

export function localGithubContext(root: string): Record<string, string> {
  const read = (...args: string[]) => git(args, root).out.trim();
  const branch = read('rev-parse', '--abbrev-ref', 'HEAD');
  return {
    sha: read('rev-parse', 'HEAD'),
    ref: `refs/heads/${branch}`,
    ref_name: branch,
    base_ref: '',
    head_ref: '',
    event_name: 'workflow_dispatch',
    repository: 'local/checkout',
    workspace: root,
    run_id: '0',
  };
}
