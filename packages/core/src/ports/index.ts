export type { Random } from './random.js';
export { SeededRandom } from './random.js';
export type { CryptoProvider } from '../crypto/provider.js';
