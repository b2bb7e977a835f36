/** A deploy, a retry or a recovery that stopped: which migration, why, and the way out (docs/migrations/rollback-and-recovery.md). */
import { KitError } from '../kit-error.ts';

export class DeployError extends KitError {}
