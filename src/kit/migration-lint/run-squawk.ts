/**
 * Runs squawk (squawk-cli from npm) over migration files and returns its findings. Its settings
 * are in .squawk.toml at the project root: the PostgreSQL version, and no assumed transaction,
 * because Prisma does not wrap a migration file in one.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { LintError } from './lint-error.ts';
import { checkoutSettings } from '../settings.ts';

export interface SquawkFinding {
  file: string;
  line: number;
  rule: string;
  message: string;
  help?: string;
}

interface SquawkJsonViolation {
  file: string;
  line: number;
  rule_name: string;
  message: string;
  help: string | null;
}

const squawkPackage = createRequire(import.meta.url).resolve('squawk-cli/package.json');

/**
 * squawk-cli's `bin` is a Node script whose only job is to find the platform package's binary and
 * spawn it; calling that binary directly saves a Node start per run (0.15 s of the 0.17 s a run
 * of a few files takes). Where the platform package can't be found, the launcher says why.
 */
function squawkCommand(): [string, string[]] {
  const binary = `@squawk-cli/${process.platform}-${process.arch}/bin/squawk${process.platform === 'win32' ? '.exe' : ''}`;
  try {
    return [createRequire(squawkPackage).resolve(binary), []];
  } catch {
    return [process.execPath, [join(dirname(squawkPackage), 'js', 'bin', 'squawk')]];
  }
}

export function runSquawk(files: string[]): SquawkFinding[] {
  return files.length === 0 ? [] : squawk(files);
}

/** squawk over SQL that is in no file (a DO block's body), its findings reported as `reportedAs`'s. */
export function runSquawkOnText(sql: string, reportedAs: string): SquawkFinding[] {
  return squawk(['--stdin-filepath', reportedAs], sql);
}

function squawk(args: string[], input?: string): SquawkFinding[] {
  const [command, prefix] = squawkCommand();
  // squawk's configuration ships with the kit, beside package.json.
  const { root } = checkoutSettings();
  const run = spawnSync(command, [...prefix, '--config', join(root, '.squawk.toml'), '--reporter', 'json', ...args], {
    cwd: root,
    encoding: 'utf8',
    input,
    maxBuffer: 64 * 1024 * 1024,
  });
  // squawk exits 1 when it found something; anything it can't report as JSON is a failure to run.
  let violations: SquawkJsonViolation[];
  try {
    violations = JSON.parse(run.stdout) as SquawkJsonViolation[];
  } catch {
    const reason = (run.stderr || run.error?.message || `exit ${run.status}`).trim().split('\n')[0];
    throw new LintError(`squawk could not lint the migrations: ${reason}`, {
      fix: `Run \`npm ci\` to install squawk-cli.`,
    });
  }
  return violations.map((violation) => ({
    file: relative(root, violation.file),
    line: violation.line + 1, // squawk counts lines from 0
    rule: violation.rule_name,
    message: violation.message,
    help: violation.help ?? undefined,
  }));
}
