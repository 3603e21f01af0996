export * from './ports.js';
export * from './profiles.js';
export * from './firmware.js';
export * from './memoryStore.js';
export * from './virtualScheduler.js';
export * from './fakeRadio.js';
export * from './advertCache.js';
export * from './scanAggregates.js';
