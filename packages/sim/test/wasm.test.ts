import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WASM_SOURCES, wasmModuleSource } from '../scripts/wasmSource.js';

describe('WebAssembly modules', () => {
  it.each(WASM_SOURCES)(
    'the shipped $module is compiled from $wat (run scripts/write-wasm.ts after editing it)',
    async ({ wat, module, constName }) => {
      const dir = new URL('../src/wasm/', import.meta.url);
      const shipped = readFileSync(fileURLToPath(new URL(module, dir)), 'utf8');
      expect(shipped).toBe(await wasmModuleSource(fileURLToPath(new URL(wat, dir)), constName));
    },
  );
});
