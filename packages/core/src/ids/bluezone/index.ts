export * from './keySchedule.js';
