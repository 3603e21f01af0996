/**
 * Matching on every core: worker threads share one sightings index (SharedArrayBuffers built once on
 * this thread, never a copy per worker) and take packed key batches in turn. Results come back in key order whatever the thread timing, so output stays deterministic, and
 * at most two batches per worker are in flight, so memory stays bounded however many keys stream in.
 * @module
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DiagnosisKey } from '../ids/diagnosisKey.js';
import { keyMatches, type Match, type MatchStats } from '../matching/match.js';
import { SightingIndex } from '../matching/sightingIndex.js';
import type { Sighting } from '../sightings/sighting.js';
import { packKeys, type MatchBatchResult, type MatchWorkerData } from './matchProtocol.js';

/** Options of {@link matchInParallel}. */
export interface ParallelMatchOptions {
  /** Worker threads; default: the machine's available parallelism. */
  threads?: number;
  /** Crypto provider the workers use; default `node`. */
  crypto?: 'node' | 'pure';
  /** Keys per message; default 8192 (measured on 2 cores: 1 M keys ran 7 % faster than with 2048, fewer round trips). */
  batchSize?: number;
  /** Decrypt AEMs of matched GAEN sightings; default true. */
  decryptMetadata?: boolean;
  /** Called after each batch with the number of keys done. */
  onProgress?: (keysDone: number) => void;
}

function startWorker(workerData: MatchWorkerData): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // Running from TypeScript source (tests, tsx): the worker is TypeScript too and needs tsx's loader.
    const source = new URL('./matchWorker.ts', here).href;
    return new Worker(
      `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`,
      { eval: true, workerData },
    );
  }
  return new Worker(workerFile(here), { workerData });
}

/**
 * The built worker next to this module. The bundler may place this code in a shared chunk at `dist/`
 * (the CJS build does) while the worker is `dist/node/matchWorker.*`, so both places are looked at.
 */
export function workerFile(here: string): URL {
  const ext = here.endsWith('.cjs') ? '.cjs' : '.js';
  const candidates = [`./matchWorker${ext}`, `./node/matchWorker${ext}`].map(
    (rel) => new URL(rel, here),
  );
  const found = candidates.find((url) => existsSync(url));
  if (!found)
    throw new Error(
      `matchInParallel: worker file not found (looked for ${candidates.map((u) => fileURLToPath(u)).join(', ')})`,
    );
  return found;
}

/**
 * Keys a thread must have to pay for itself. A worker costs ~40–60 ms to start (measured on the
 * 2-core VM: thread, module load, first batch) and a GAEN key ~15 µs of crypto, so below ~8 k keys a
 * thread the start-up eats the gain; the margin keeps the default within 10 % of one thread even when
 * the other cores are busy and the threads gain nothing.
 */
export const MIN_KEYS_PER_THREAD = 25_000;

/** GAEN matches a sighting up to 2 h from its RPI's interval (the Matcher's tolerance). */
const TOLERANCE_MS = 7_200_000;

/**
 * How many threads pay off for matching `keys` against sightings spanning [minTimeMs, maxTimeMs]:
 * only keys whose window meets the sightings cost crypto (the rest are skipped in microseconds), so
 * those are what is counted. One thread per {@link MIN_KEYS_PER_THREAD} such keys, at most `cores`.
 */
export function chooseMatchThreads(
  keys: readonly DiagnosisKey[],
  sightings: readonly Sighting[],
  cores = availableParallelism(),
): number {
  if (cores <= 1 || keys.length < 2 * MIN_KEYS_PER_THREAD || sightings.length === 0) return 1;
  let minT = Infinity;
  let maxT = -Infinity;
  for (const s of sightings) {
    if (s.timeMs < minT) minT = s.timeMs;
    if (s.timeMs > maxT) maxT = s.timeMs;
  }
  let working = 0;
  for (const key of keys) {
    if (!keyMatches(key)) continue;
    const [startMs, endMs] =
      key.scheme === 'gaen'
        ? [
            key.rollingStartIntervalNumber * 600_000,
            (key.rollingStartIntervalNumber + key.rollingPeriod) * 600_000,
          ]
        : [key.timeDkS * 1000, key.timeTeS * 1000 + 86_400_000];
    if (endMs + TOLERANCE_MS >= minT && startMs - TOLERANCE_MS <= maxT) working++;
  }
  return Math.max(1, Math.min(cores, Math.floor(working / MIN_KEYS_PER_THREAD)));
}

/**
 * Matches `keys` (any iterable, consumed lazily) against `sightings` on worker threads; calls `onMatch`
 * in the same order a single-threaded {@link Matcher} would. Resolves to the summed statistics.
 */
export async function matchInParallel(
  keys: Iterable<DiagnosisKey>,
  sightings: readonly Sighting[],
  onMatch: (match: Match) => void,
  options: ParallelMatchOptions = {},
): Promise<MatchStats> {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const batchSize = options.batchSize ?? 8192;
  // Built once, on shared memory: posting the parts shares it with every worker instead of cloning.
  const indexes = {
    gaen: new SightingIndex('gaen', sightings, { memory: 'shared' }),
    bluezone: new SightingIndex('bluezone', sightings, { memory: 'shared' }),
  };
  const workerData: MatchWorkerData = {
    indexes: { gaen: indexes.gaen.parts(), bluezone: indexes.bluezone.parts() },
    crypto: options.crypto ?? 'node',
    decryptMetadata: options.decryptMetadata ?? true,
  };
  const workers = Array.from({ length: threads }, () => startWorker(workerData));
  const iterator = keys[Symbol.iterator]();
  const batches = new Map<number, DiagnosisKey[]>();
  const finished = new Map<number, MatchBatchResult>();
  const workerStats: MatchStats[] = workers.map(() => ({
    keys: 0,
    keysOutsideSightings: 0,
    keysIgnoredReportType: 0,
    idsDerived: 0,
    matches: 0,
  }));
  let nextBatchId = 0;
  let nextToEmit = 0;
  let keysDone = 0;
  let exhausted = false;

  try {
    await new Promise<void>((resolve, reject) => {
      const inFlight = new Array<number>(threads).fill(0);
      const send = (w: number): boolean => {
        if (exhausted) return false;
        const batch: DiagnosisKey[] = [];
        while (batch.length < batchSize) {
          const next = iterator.next();
          if (next.done) {
            exhausted = true;
            break;
          }
          batch.push(next.value);
        }
        if (batch.length === 0) return false;
        const id = nextBatchId++;
        batches.set(id, batch);
        const { message, transfer } = packKeys(id, batch);
        workers[w]!.postMessage(message, transfer);
        inFlight[w]!++;
        return true;
      };
      const emitReady = () => {
        for (let r = finished.get(nextToEmit); r; r = finished.get(nextToEmit)) {
          const batch = batches.get(nextToEmit)!;
          const rows = r.matches;
          for (let i = 0; i < rows.length; i += 5) {
            const sighting = sightings[rows[i + 2]!]!;
            // The matched ID is, byte for byte, the ID the sighting recorded.
            const match: Match = {
              key: batch[rows[i]!]!,
              interval: rows[i + 1]!,
              id: sighting.id,
              sighting,
            };
            if (!Number.isNaN(rows[i + 3]!)) match.decryptedTxPowerDbm = rows[i + 3]!;
            if (!Number.isNaN(rows[i + 4]!)) match.decryptedCalibrationConfidence = rows[i + 4]!;
            onMatch(match);
          }
          keysDone += batch.length;
          options.onProgress?.(keysDone);
          finished.delete(nextToEmit);
          batches.delete(nextToEmit);
          nextToEmit++;
        }
        if (exhausted && nextToEmit === nextBatchId) resolve();
      };
      workers.forEach((worker, w) => {
        worker.on('message', (result: MatchBatchResult) => {
          inFlight[w]!--;
          workerStats[w] = result.stats;
          finished.set(result.batchId, result);
          while (inFlight[w]! < 2 && send(w));
          try {
            emitReady();
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
        worker.on('error', reject);
        worker.on('exit', (code) => {
          if (code !== 0) reject(new Error(`match worker ${w} exited with code ${code}`));
        });
      });
      for (let round = 0; round < 2; round++) for (let w = 0; w < threads; w++) send(w);
      if (nextBatchId === 0) resolve();
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return workerStats.reduce((a, s) => ({
    keys: a.keys + s.keys,
    keysOutsideSightings: a.keysOutsideSightings + s.keysOutsideSightings,
    keysIgnoredReportType: a.keysIgnoredReportType + s.keysIgnoredReportType,
    idsDerived: a.idsDerived + s.idsDerived,
    matches: a.matches + s.matches,
  }));
}
