/**
 * Growing a firmware-side typed column: its entries copied into a longer one of the same type.
 * @module
 */

/** Copies `from` into the start of `into` (at least as long) and returns `into`. */
export function grownTo<T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(
  from: T,
  into: T,
): T {
  into.set(from);
  return into;
}
