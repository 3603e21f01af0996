export * from './sightingIndex.js';
export * from './match.js';
