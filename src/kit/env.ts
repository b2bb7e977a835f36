/** Loads `.env` from the project root once. Variables already set in the environment win. */
import { join } from 'node:path';
import { config } from 'dotenv';
import { projectRoot } from './project-paths.ts';

let loaded = false;

export function loadEnv(): void {
  if (loaded) return;
  loaded = true;
  config({ path: join(projectRoot, '.env'), quiet: true });
}
