export * from './attenuation.js';
export * from './calibration.js';
export * from './csv.js';
export * from './filters.js';
export * from './fit.js';
export * from './modelFile.js';
export * from './pathLoss.js';
export * from './estimateRows.js';
