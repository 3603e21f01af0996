// A store writer for the kill -9 test: appends deterministic sightings in random-sized batches and
// acknowledges each batch on stdout only after FileStore has written and fsynced it. Runs until killed.
// Usage: node storeWriterChild.mjs DIR SEED KNOWN (KNOWN: records the checker has verified are there,
// so the writer reads only the segments after them to find where to continue).
import { writeSync } from 'node:fs';
import { FileStore } from '../dist/index.js';
import { expectedSighting, SEGMENT_MS } from './storeWriterRecords.mjs';

const [dir, seedText, knownText] = process.argv.slice(2);
let seed = Number(seedText) >>> 0 || 1;
const next = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0), seed / 2 ** 32);
const store = FileStore.open(dir, { segmentMs: SEGMENT_MS });
const known = Number(knownText);
let n = known + store.querySightings({ fromMs: expectedSighting(known).timeMs }).length;
writeSync(1, `start ${n}\n`);
for (;;) {
  const size = 1 + Math.floor(next() * 40);
  const batch = [];
  for (let i = 0; i < size; i++) batch.push(expectedSighting(n + i));
  store.appendSightings(batch);
  n += size;
  writeSync(1, `ack ${n}\n`);
}
