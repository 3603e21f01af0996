/**
 * Compiles every WebAssembly text file of src/wasm into its TypeScript module (the binary as base64):
 * run after editing a .wat (`npx tsx packages/sim/scripts/write-wasm.ts`); a test checks the shipped
 * modules are current.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WASM_SOURCES, wasmModuleSource } from './wasmSource.js';

for (const source of WASM_SOURCES) {
  const dir = new URL('../src/wasm/', import.meta.url);
  writeFileSync(
    fileURLToPath(new URL(source.module, dir)),
    await wasmModuleSource(fileURLToPath(new URL(source.wat, dir)), source.constName),
  );
}
