/**
 * An expected failure, as data: the library module that meets it says what is wrong (`problem`,
 * a clause without its final period), where (`file` and `line`, when it is in one) and what to do
 * (`fix`). Only the command layer turns it into the one line a person reads (run-cli.ts,
 * `formatKitError`), so a test can check the data and a caller can act on it.
 *
 * Modules not converted yet still throw CliError, whose message is that line ready-made
 * (issue 29, item 4).
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
    super(problem);
    this.name = new.target.name;
    this.file = details.file;
    this.line = details.line;
    this.fix = details.fix;
    this.exitCode = details.exitCode ?? 1;
  }
}
