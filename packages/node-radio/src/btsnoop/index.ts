export * from './format.js';
export * from './hciEvents.js';
export * from './reader.js';
export * from './writer.js';
