/**
 * Node-only adapters for core's ports (`@proxsense/core/node`). The pure entry point never imports
 * this folder, so browser and React Native bundles stay free of `node:` modules.
 * @module
 */
export { nodeCryptoProvider, nodeRandom } from './cryptoProvider.js';
export {
  chooseMatchThreads,
  matchInParallel,
  MIN_KEYS_PER_THREAD,
  type ParallelMatchOptions,
} from './parallelMatcher.js';
