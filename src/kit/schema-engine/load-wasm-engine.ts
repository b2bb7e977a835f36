/**
 * Loads the wasm schema engine that the `prisma` CLI package ships
 * (node_modules/prisma/build/schema_engine_bg.wasm): a build of exactly the engines commit the
 * CLI pins, i.e. the same engine code as the native binary of that release. The CLI bundles no
 * JavaScript glue for it, so the wasm-bindgen glue of @prisma/schema-engine-wasm drives it: its
 * imports and exports carry the same hashed names (test/kit/schema-engine/parser-version.test.ts
 * checks that they still match after an upgrade). The module is instantiated by hand because
 * that package's entry imports the `.wasm` file as an ES module, which Node 20 cannot do.
 */
import { readFile } from 'node:fs/promises';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import { cliSchemaEngineWasmPath } from '../prisma-package.ts';

export type WasmSchemaEngine = SchemaEngine;
export type WasmSchemaEngineClass = typeof SchemaEngine;

interface PanicRegistry {
  message: string | undefined;
  set_message(message: string): void;
}

/** Where the engine writes a Rust panic's message before rejecting; read it to report the panic. */
export const panicRegistry: PanicRegistry = {
  message: undefined,
  set_message(message: string) {
    this.message = message;
  },
};

// Node has WebAssembly; the ES lib typings don't declare it (only lib.dom does).
declare const WebAssembly: {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, unknown>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

let loaded: Promise<{ SchemaEngine: WasmSchemaEngineClass; version: string }> | undefined;

export function loadWasmSchemaEngine(): Promise<{ SchemaEngine: WasmSchemaEngineClass; version: string }> {
  loaded ??= (async () => {
    // Without this global an engine panic surfaces as an unrelated TypeError.
    (globalThis as Record<string, unknown>).PRISMA_WASM_PANIC_REGISTRY = panicRegistry;
    const { instance } = await WebAssembly.instantiate(await readFile(cliSchemaEngineWasmPath()), {
      './schema_engine_bg.js': glue,
    });
    const exports = instance.exports as { __wbindgen_start(): void };
    glue.__wbg_set_wasm(exports);
    exports.__wbindgen_start();
    return { SchemaEngine: glue.SchemaEngine as unknown as WasmSchemaEngineClass, version: glue.version() };
  })();
  return loaded;
}
