export * from './sighting.js';
