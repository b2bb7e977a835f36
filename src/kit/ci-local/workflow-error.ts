/** A workflow or job ci:local can't run here: which one, and what it would need. */
import { KitError } from '../kit-error.ts';

export class WorkflowError extends KitError {}
