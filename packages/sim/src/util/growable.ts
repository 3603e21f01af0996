/**
 * Growing typed-array columns by doubling: the one helper behind every columnar structure of the simulator.
 * @module
 */
export type TypedArray =
  Int8Array | Uint8Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/**
 * A copy of `array` with room for at least `minLength` elements (growing by `growth`, default doubling),
 * or `array` itself if it has it. Columns that end up the run's largest (ground truth's pairs) grow by
 * less: less room left unused on average, for a few more copies. A growth of 1 or less gives exactly
 * `minLength` (for a caller that sizes its columns itself, as core's `SlotPages` does).
 */
export function ensureLength<T extends TypedArray>(array: T, minLength: number, growth = 2): T {
  if (array.length >= minLength) return array;
  let length = Math.max(16, array.length);
  if (growth <= 1) length = minLength;
  while (length < minLength) length = Math.ceil(length * growth);
  const grown = new (array.constructor as new (n: number) => T)(length);
  grown.set(array);
  return grown;
}
