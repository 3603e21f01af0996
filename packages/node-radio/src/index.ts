/**
 * `@proxsense/node-radio`: proxsense on Linux hosts. A crash-safe file-backed Store, btsnoop capture
 * reading and writing, and replay of captures and sightings files through scan aggregation and episodes.
 * @module
 */
export * from './store/index.js';
export * from './btsnoop/index.js';
export * from './replay/index.js';
