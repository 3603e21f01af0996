export type { CryptoProvider } from './provider.js';
export { pureCryptoProvider, hkdfSha256 } from './pure.js';
export { shortHkdfSha256, fitsShortHkdf, SHORT_HKDF_LIMITS } from './shortHkdf.js';
export { shortSha256, SHORT_SHA256_MAX_BYTES } from './shortSha256.js';
export { aes128EncryptBlock, expandAes128KeyLE, AES128_SCHEDULE_WORDS } from './aes128Block.js';
