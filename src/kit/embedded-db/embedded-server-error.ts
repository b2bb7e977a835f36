/** The embedded PostgreSQL can't start, stop or be found as recorded: what is wrong with it, and what to do. */
import { KitError } from '../kit-error.ts';

export class EmbeddedServerError extends KitError {}
