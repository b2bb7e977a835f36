/**
 * Loads @prisma/schema-engine-wasm by hand. Its package entry imports the `.wasm` file as an ES
 * module, which Node 20 cannot do, so we instantiate the module ourselves and hand it to the
 * wasm-bindgen glue, which is what that entry would have done.
 */
import { readFile } from 'node:fs/promises';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

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
  instantiate(bytes: Uint8Array, imports: Record<string, unknown>): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

let loaded: Promise<{ SchemaEngine: WasmSchemaEngineClass; version: string }> | undefined;

export function loadWasmSchemaEngine(): Promise<{ SchemaEngine: WasmSchemaEngineClass; version: string }> {
  loaded ??= (async () => {
    // Without this global an engine panic surfaces as an unrelated TypeError.
    (globalThis as Record<string, unknown>).PRISMA_WASM_PANIC_REGISTRY = panicRegistry;
    // The .wasm file isn't in the package's exports map; it sits next to the entry point.
    const wasmPath = new URL('./schema_engine_bg.wasm', import.meta.resolve('@prisma/schema-engine-wasm'));
    const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
      './schema_engine_bg.js': glue,
    });
    const exports = instance.exports as { __wbindgen_start(): void };
    glue.__wbg_set_wasm(exports);
    exports.__wbindgen_start();
    return { SchemaEngine: glue.SchemaEngine as unknown as WasmSchemaEngineClass, version: glue.version() };
  })();
  return loaded;
}
