export {
  FileStore,
  type FileStoreOptions,
  type FileStoreStats,
  type RecoveryReport,
} from './fileStore.js';
export {
  encodeFrame,
  fileHeader,
  scanFrames,
  type FrameScan,
  type InvalidRegion,
} from './frames.js';
export { decodeRecord, encodeRecord, type StoreRecord } from './recordCodec.js';
