export * from './gaen/index.js';
export * from './bluezone/index.js';
export * from './diagnosisKey.js';
export * from './scheme.js';
