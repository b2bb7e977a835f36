/** A `--fix` the kit refuses: what it can't rewrite, and why. */
import { KitError } from '../kit-error.ts';

export class FixError extends KitError {}
