import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../src/index.js';

describe('bytesToHex', () => {
  it('writes two lower-case digits per byte and round-trips through hexToBytes, short and long', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 40 }),
          fc.uint8Array({ minLength: 4090, maxLength: 9000 }),
        ),
        (bytes) => {
          const hex = bytesToHex(bytes);
          expect(hex).toBe([...bytes].map((b) => b.toString(16).padStart(2, '0')).join(''));
          expect(hexToBytes(hex)).toEqual(bytes);
        },
      ),
      { numRuns: 300 },
    );
  });
});
