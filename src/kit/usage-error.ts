/** A command line the command can't use: the flag or argument, and the usage. */
import { KitError } from './kit-error.ts';

export class UsageError extends KitError {}
