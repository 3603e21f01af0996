/**
 * Byte helpers used across core: hex codecs and boundary checks that name the offending field.
 * @module
 */
import { InputError } from '../errors.js';

const HEX_PAIR = /^(?:[0-9a-fA-F]{2})*$/;

/** Lower-case hex of `bytes`. */
export function bytesToHex(bytes: Uint8Array): string {
  // One flat string: appending pair by pair leaves a rope of a node per pair (about 0.5 KB for a
  // 16-byte ID), and a simulated crowd keeps one such key per phone.
  const codes = new Array<number>(2 * bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    codes[2 * i] = hexDigit(b >>> 4);
    codes[2 * i + 1] = hexDigit(b & 15);
  }
  return bytes.length <= 4096
    ? String.fromCharCode(...codes)
    : codes.map((c) => String.fromCharCode(c)).join('');
}

/** The char code of a hex digit 0 … 15 (lower case). */
function hexDigit(d: number): number {
  return d < 10 ? 48 + d : 87 + d;
}

/**
 * Parses hex into bytes. `field` names the value in the error; `byteLength`, when given, is enforced.
 * @throws InputError naming the field and what was expected.
 */
export function hexToBytes(hex: unknown, field = 'hex', byteLength?: number): Uint8Array {
  const expected =
    byteLength === undefined
      ? 'an even-length hex string'
      : `${byteLength * 2} hex digits (${byteLength} bytes)`;
  if (typeof hex !== 'string') throw new InputError(field, expected, describeValue(hex));
  const clean = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (!HEX_PAIR.test(clean)) throw new InputError(field, expected, describeValue(hex));
  if (byteLength !== undefined && clean.length !== byteLength * 2)
    throw new InputError(field, expected, `${clean.length} hex digits`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

/** Throws unless `value` is a Uint8Array (of `byteLength` bytes when given). */
export function assertBytes(
  value: unknown,
  field: string,
  byteLength?: number,
): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array))
    throw new InputError(
      field,
      byteLength === undefined ? 'a Uint8Array' : `a Uint8Array of ${byteLength} bytes`,
      describeValue(value),
    );
  if (byteLength !== undefined && value.length !== byteLength)
    throw new InputError(field, `${byteLength} bytes`, `${value.length} bytes`);
}

/** Constant-shape equality of two byte ranges. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Concatenation of byte arrays into a new array. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

const textEncoder = /* @__PURE__ */ new TextEncoder();
/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return textEncoder.encode(text);
}

/** A short printable description of a bad value, for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
