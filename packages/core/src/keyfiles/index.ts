export * from './errors.js';
export * from './gaenExport.js';
export * from './keysJson.js';
export * from './load.js';
export * from './publicKey.js';
