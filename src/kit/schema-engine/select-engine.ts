/**
 * Chooses which schema engine the Prisma CLI spawns; called from prisma.config.ts, so it applies
 * to bare `npx prisma …` as well as to the npm scripts.
 *
 *   PRISMA_SCHEMA_ENGINE=native  Prisma's own binary (downloaded by the CLI at first use)
 *   PRISMA_SCHEMA_ENGINE=wasm    the stand-in in scripts/schema-engine-wasm.mjs
 *   PRISMA_SCHEMA_ENGINE=auto    (default) native when it runs or can be fetched within
 *                                PRISMA_ENGINE_PROBE_TIMEOUT_MS (default 20 s), else wasm; the
 *                                answer is remembered in .data/schema-engine.json per Prisma version
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prismaCliPath, prismaVersion } from '../prisma-package.ts';
import { checkoutSettings } from '../settings.ts';
import { childEnvironment, environment, setVariable } from '../environment.ts';

/** The stand-in's entry point, as PRISMA_SCHEMA_ENGINE_BINARY names it. */
export const standInPath = () => join(checkoutSettings().root, 'scripts', 'schema-engine-wasm.mjs');
const rememberedFile = () => join(checkoutSettings().data, 'schema-engine.json');

export interface EngineSelection {
  engine: 'native' | 'wasm' | 'custom';
  reason: string;
}

interface Remembered {
  engine: 'native' | 'wasm';
  prismaVersion: string;
  reason: string;
}

interface Probe extends Omit<Remembered, 'prismaVersion'> {
  /** The verdict is about the engine (it ran, or fetching it failed), so it may be remembered. */
  conclusive: boolean;
}

function probeNative(): Probe {
  const timeout = environment().PRISMA_ENGINE_PROBE_TIMEOUT_MS ?? 20_000;
  // The child loads this config too; PRISMA_SCHEMA_ENGINE=native makes it leave the engine alone.
  // `--version` needs no database: a malformed DATABASE_URL must not decide the engine.
  const probe = spawnSync(process.execPath, [prismaCliPath(), '--version'], {
    cwd: checkoutSettings().root,
    env: childEnvironment({ DATABASE_URL: undefined, PRISMA_SCHEMA_ENGINE: 'native', PRISMA_SCHEMA_ENGINE_BINARY: '' }),
    timeout,
    encoding: 'utf8',
  });
  if (probe.status === 0)
    return { engine: 'native', reason: 'the native engine is installed or could be fetched', conclusive: true };
  const timedOut = probe.error?.message.includes('ETIMEDOUT') ?? false;
  const output = probe.stderr || probe.stdout;
  const why = timedOut
    ? `fetching it took longer than ${timeout} ms`
    : (output.match(/Error: .*/)?.[0] ?? 'it did not run').replace(/https?:\/\/\S+/g, '<engine host>');
  // Only a failed fetch says the engine is unavailable; anything else is tried again next time.
  const conclusive = timedOut || /request to|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|download|fetch/i.test(output);
  return { engine: 'wasm', reason: `the native engine is unavailable (${why.slice(0, 120)})`, conclusive };
}

function remembered(version: string): Remembered | undefined {
  if (!existsSync(rememberedFile())) return undefined;
  const entry = JSON.parse(readFileSync(rememberedFile(), 'utf8')) as Remembered;
  return entry.prismaVersion === version ? entry : undefined;
}

function useStandIn(): void {
  setVariable('PRISMA_SCHEMA_ENGINE_BINARY', standInPath());
}

/** Whether Prisma's native engine runs here (probed once per Prisma version, then remembered). */
export function nativeEngineAvailability(): { available: boolean; reason: string } {
  const version = prismaVersion();
  let choice = remembered(version);
  if (!choice) {
    const { conclusive, ...probed } = probeNative();
    choice = { ...probed, prismaVersion: version };
    if (conclusive) {
      mkdirSync(checkoutSettings().data, { recursive: true });
      writeFileSync(rememberedFile(), `${JSON.stringify(choice, null, 2)}\n`);
    }
  }
  return { available: choice.engine === 'native', reason: choice.reason };
}

export function selectSchemaEngine(): EngineSelection {
  const { PRISMA_SCHEMA_ENGINE_BINARY: custom, PRISMA_SCHEMA_ENGINE: mode } = environment();
  if (custom && custom !== standInPath()) {
    return { engine: 'custom', reason: `PRISMA_SCHEMA_ENGINE_BINARY=${custom}` };
  }
  if (mode === 'native') {
    setVariable('PRISMA_SCHEMA_ENGINE_BINARY', undefined);
    return { engine: 'native', reason: 'PRISMA_SCHEMA_ENGINE=native' };
  }
  if (mode === 'wasm') {
    useStandIn();
    return { engine: 'wasm', reason: 'PRISMA_SCHEMA_ENGINE=wasm' };
  }
  const native = nativeEngineAvailability();
  if (native.available) setVariable('PRISMA_SCHEMA_ENGINE_BINARY', undefined);
  else useStandIn();
  return {
    engine: native.available ? 'native' : 'wasm',
    reason: `auto: ${native.reason}; remembered in .data/schema-engine.json`,
  };
}
