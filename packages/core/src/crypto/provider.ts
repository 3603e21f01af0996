/**
 * The CryptoProvider port: every primitive the identity layer needs, so a host can swap in a faster
 * implementation (node:crypto, WebCrypto, a native module) without touching the schedules.
 * @module
 */

/** Cryptographic primitives used by GAEN and Bluezone key schedules. Outputs are fresh arrays. */
export interface CryptoProvider {
  /** Short name shown in benchmarks and errors, e.g. `pure-ts` or `node`. */
  readonly name: string;
  /** SHA-256 digest (32 bytes). */
  sha256(data: Uint8Array): Uint8Array;
  /** HKDF-SHA256 (RFC 5869); an empty or missing salt means 32 zero bytes, as the RFC says. */
  hkdfSha256(
    ikm: Uint8Array,
    salt: Uint8Array | undefined,
    info: Uint8Array,
    length: number,
  ): Uint8Array;
  /** AES-128 in ECB mode over whole 16-byte blocks, no padding; output has the input's length. */
  aes128EcbEncrypt(key: Uint8Array, blocks: Uint8Array): Uint8Array;
  /** AES-128 in CTR mode with a 16-byte initial counter block; encrypts and decrypts alike. */
  aes128Ctr(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
}
