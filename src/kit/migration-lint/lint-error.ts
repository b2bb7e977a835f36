/** The linter can't run (not a finding: those are data, finding.ts): what it needs. */
import { KitError } from '../kit-error.ts';

export class LintError extends KitError {}
