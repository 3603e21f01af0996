export * from './config.js';
export * from './builder.js';
export * from './summary.js';
export * from './fromMatches.js';
