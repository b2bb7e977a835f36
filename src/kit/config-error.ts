/** A value in .env or kit.config.ts the kit can't use: the variable or key, and what it accepts. */
import { KitError } from './kit-error.ts';

export class ConfigError extends KitError {}
