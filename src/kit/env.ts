/** Loads `.env` from the project root once. Variables already set in the environment win. */
import { join } from 'node:path';
import { config } from 'dotenv';
import { checkoutSettings } from './settings.ts';

let loaded = false;

export function loadEnv(): void {
  if (loaded) return;
  loaded = true;
  config({ path: join(checkoutSettings().root, '.env'), quiet: true });
}
