/**
 * The stand-in models one engines commit. These fail loudly when `prisma` (and so the engines
 * commit) or the parser package is upgraded without checking that the model still holds:
 * the same engine build, the same sqlparser version, the same wasm-bindgen interface.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import { loadWasmSchemaEngine } from '#kit/schema-engine/load-wasm-engine.ts';
import { MODELLED_ENGINES_COMMIT, NATIVE_SQLPARSER_VERSION } from '#kit/sql/native-script-plan.ts';
import { cliSchemaEngineWasm, projectRoot } from '#kit-test/support/checkout.ts';

interface WasmModuleClass {
  new (bytes: Uint8Array): object;
  imports(module: object): Array<{ module: string; name: string }>;
}

const require = createRequire(join(projectRoot, 'package.json'));
const pinnedEnginesCommit = (
  JSON.parse(readFileSync(require.resolve('@prisma/engines-version/package.json'), 'utf8')) as {
    prisma: { enginesVersion: string };
  }
).prisma.enginesVersion;
const sqlparserIn = (file: string) => [
  ...new Set(
    readFileSync(file)
      .toString('latin1')
      .match(/sqlparser-\d+\.\d+\.\d+/g) ?? [],
  ),
];

describe('the native engine model matches the pinned prisma', () => {
  it('prisma pins the engines commit whose splitting rule the kit models', () => {
    expect(
      pinnedEnginesCommit,
      `prisma now pins engines ${pinnedEnginesCommit}: check how it runs migration files, then update src/kit/sql/native-script-plan.ts`,
    ).toBe(MODELLED_ENGINES_COMMIT);
  });

  it("the CLI's wasm engine is that commit's build", async () => {
    expect((await loadWasmSchemaEngine()).version).toBe(pinnedEnginesCommit);
  });

  it('the engine build and the npm parser carry the same sqlparser version', () => {
    const parserWasm = join(
      projectRoot,
      'node_modules',
      '@guanmingchiu',
      'sqlparser-ts',
      'wasm',
      'sqlparser_rs_wasm_bg.wasm',
    );
    expect(sqlparserIn(cliSchemaEngineWasm)).toEqual([`sqlparser-${NATIVE_SQLPARSER_VERSION}`]);
    expect(sqlparserIn(parserWasm)).toEqual([`sqlparser-${NATIVE_SQLPARSER_VERSION}`]);
  });

  it("the glue of @prisma/schema-engine-wasm provides every import of the CLI's wasm build", () => {
    // Node has WebAssembly; the ES lib typings the project uses don't declare it.
    const { Module } = (globalThis as unknown as { WebAssembly: { Module: WasmModuleClass } }).WebAssembly;
    const missing = Module.imports(new Module(readFileSync(cliSchemaEngineWasm)))
      .filter(({ name }) => !(name in glue))
      .map(({ name }) => name);
    expect(missing).toEqual([]);
  });
});
