/**
 * This checkout's paths, for the tests: they run against the checkout they live in (or a copy of
 * it, test/kit/support/project-copy.ts), so a constant reads better here than a call in every file.
 * The kit's library code is given its settings instead (src/kit/settings.ts).
 */
import { cliSchemaEngineWasmPath } from '#kit/prisma-package.ts';
import { checkoutSettings } from '#kit/settings.ts';

const settings = checkoutSettings();

export const projectRoot = settings.root;
export const dataDir = settings.data;
export const migrationsDir = settings.migrations;
export const workflowsDir = settings.workflows;
export const cliSchemaEngineWasm = cliSchemaEngineWasmPath();
