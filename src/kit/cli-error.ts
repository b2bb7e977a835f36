/**
 * An expected failure with a message a person can act on: it names the problem and the fix.
 * Entry points print its message as one line and exit non-zero, without a stack trace.
 * Anything else that escapes is a bug and keeps its stack.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
