export { aggregateScans, type ScanAggregation } from './scanAggregation.js';
export { isBtsnoop, replayRecording, type ReplayOptions, type ReplayResult } from './replay.js';
