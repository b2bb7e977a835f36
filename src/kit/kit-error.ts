/**
 * An expected failure, as data: the library module that meets it says what is wrong (`problem`,
 * a clause without its final period), where (`file` and `line`, when it is in one) and what to do
 * (`fix`). Each area of the kit has its own subclass (EmbeddedServerError, DeployError, …), so a
 * caller can tell them apart and a test can check the data. Its `message` is the problem and the
 * fix, as a stack trace or a caller quoting it shows them; only the command layer adds the file
 * and line, relative to the project root, and prints the one line a person reads (run-cli.ts,
 * `formatKitError`).
 */
export interface KitErrorDetails {
  file?: string;
  line?: number;
  fix?: string;
  exitCode?: number;
}

export class KitError extends Error {
  readonly file?: string;
  readonly line?: number;
  readonly fix?: string;
  readonly exitCode: number;

  constructor(
    readonly problem: string,
    details: KitErrorDetails = {},
  ) {
    // A problem built elsewhere as whole sentences (a refusal shared with a report) keeps its own stop.
    super(`${problem}${/[.!?]$/.test(problem) ? '' : '.'}${details.fix ? ` ${details.fix}` : ''}`);
    this.name = new.target.name;
    this.file = details.file;
    this.line = details.line;
    this.fix = details.fix;
    this.exitCode = details.exitCode ?? 1;
  }
}
