export * from './constants.js';
export * from './keySchedule.js';
export * from './metadata.js';
