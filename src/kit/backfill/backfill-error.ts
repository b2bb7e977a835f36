/** A backfill that stopped or can't start: which job, where, and how to go on. */
import { KitError } from '../kit-error.ts';

export class BackfillError extends KitError {}
