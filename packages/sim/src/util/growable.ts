/**
 * Growing typed-array columns by doubling: the one helper behind every columnar structure of the simulator.
 * @module
 */
export type TypedArray =
  Int8Array | Uint8Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/** A copy of `array` with room for at least `minLength` elements (doubling), or `array` itself if it has it. */
export function ensureLength<T extends TypedArray>(array: T, minLength: number): T {
  if (array.length >= minLength) return array;
  let length = Math.max(16, array.length);
  while (length < minLength) length *= 2;
  const grown = new (array.constructor as new (n: number) => T)(length);
  grown.set(array);
  return grown;
}
