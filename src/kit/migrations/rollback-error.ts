/** A rollback or a down.sql the kit refuses to run or write, and why. */
import { KitError } from '../kit-error.ts';

export class RollbackError extends KitError {}
