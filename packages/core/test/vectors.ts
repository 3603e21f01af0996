import { sharedFile, sharedJson } from './sharedData.js';

/** Reads a published vector file from ../shared/vectors (read-only test data). */
export function sharedVector(name: string): Buffer {
  return sharedFile(`vectors/${name}`);
}

export function sharedVectorJson<T = any>(name: string): T {
  return sharedJson<T>(`vectors/${name}`);
}
