/**
 * The part of the WebAssembly JavaScript API the simulator's kernels use (TypeScript declares it only in
 * the DOM's lib, which the packages leave out), and the compilation of a shipped module.
 * @module
 */

/** A compiled module (opaque). */
export type WasmModule = { readonly compiledModule?: never };

/** A module's memory: its buffer is replaced (the old one detached) each time it grows. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** An exported mutable global. */
export interface WasmGlobal {
  readonly value: number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: unknown };
}

const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Bytes of a WebAssembly memory page. */
export const WASM_PAGE_BYTES = 65536;

/** Compiles a shipped module from its base64 (a few hundred bytes: synchronous compilation is fine). */
export function compileWasm(base64: string): WasmModule {
  return new api.Module(Buffer.from(base64, 'base64'));
}

/** A shipped module compiled at its first use, once per process (kernels instantiate it per tracker). */
export function compiledOnce(base64: string): () => WasmModule {
  let module: WasmModule | undefined;
  return () => (module ??= compileWasm(base64));
}

/** A new instance of `module` with `imports`; its exports as `Exports`. */
export function instantiateWasm<Exports>(module: WasmModule, imports: object = {}): Exports {
  return new api.Instance(module, imports).exports as Exports;
}

/** Grows `memory` to at least `bytes`; returns whether it grew (its views must then be remade). */
export function ensureMemoryBytes(memory: WasmMemory, bytes: number): boolean {
  const missing = bytes - memory.buffer.byteLength;
  if (missing <= 0) return false;
  memory.grow(Math.ceil(missing / WASM_PAGE_BYTES));
  return true;
}
