/**
 * @proxsense/core — pure TypeScript proximity sensing: GAEN and Bluezone rotating IDs, key files,
 * sightings and matching. No `node:` imports: time, randomness and crypto enter through ports.
 * Node-only adapters live in `@proxsense/core/node`.
 * @module
 */
export * from './errors.js';
export { utcDayName, utcDayOf } from './utcDay.js';
export {
  assertEraInterval,
  assertEraTimeMs,
  assertEraTimeS,
  ERA_END_MS,
  ERA_INTERVALS,
  ERA_START_MS,
} from './era.js';
export * from './bytes/index.js';
export * from './crypto/index.js';
export * from './ports/index.js';
export * from './ids/index.js';
export * from './sightings/index.js';
export * from './keyfiles/index.js';
export * from './matching/index.js';
export * from './proximity/index.js';
export * from './episodes/index.js';
export * from './advert/index.js';
export * from './firmware/index.js';
export * from './risk/index.js';
