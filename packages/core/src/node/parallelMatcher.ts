/**
 * Matching on every core: worker threads each hold a copy of the sightings index and take key batches
 * in turn. Results come back in key order whatever the thread timing, so output stays deterministic, and
 * at most two batches per worker are in flight, so memory stays bounded however many keys stream in.
 * @module
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DiagnosisKey } from '../ids/diagnosisKey.js';
import type { Match, MatchStats } from '../matching/match.js';
import type { Sighting } from '../sightings/sighting.js';
import { packKeys, type MatchBatchResult, type MatchWorkerData } from './matchProtocol.js';

/** Options of {@link matchInParallel}. */
export interface ParallelMatchOptions {
  /** Worker threads; default: the machine's available parallelism. */
  threads?: number;
  /** Crypto provider the workers use; default `node`. */
  crypto?: 'node' | 'pure';
  /** Keys per message; default 2048. */
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
    return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`, { eval: true, workerData });
  }
  if (here.endsWith('.cjs')) {
    // Under require(), import.meta.url is tsup's shim: the URL of a shared chunk, not of this file.
    // The package resolving itself finds the worker wherever the chunks are.
    const packageJson = createRequire(here).resolve('@proxsense/core/package.json');
    return new Worker(new URL('./dist/node/matchWorker.cjs', pathToFileURL(packageJson)), { workerData });
  }
  return new Worker(new URL('./matchWorker.js', here), { workerData });
}

/**
 * Matches `keys` (any iterable, consumed lazily) against `sightings` on worker threads; calls `onMatch`
 * in the same order a single-threaded {@link Matcher} would. Resolves to the summed statistics.
 */
export async function matchInParallel(keys: Iterable<DiagnosisKey>, sightings: readonly Sighting[], onMatch: (match: Match) => void, options: ParallelMatchOptions = {}): Promise<MatchStats> {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const batchSize = options.batchSize ?? 2048;
  const workerData: MatchWorkerData = { sightings: [...sightings], crypto: options.crypto ?? 'node', decryptMetadata: options.decryptMetadata ?? true };
  const workers = Array.from({ length: threads }, () => startWorker(workerData));
  const iterator = keys[Symbol.iterator]();
  const batches = new Map<number, DiagnosisKey[]>();
  const finished = new Map<number, MatchBatchResult>();
  const workerStats: MatchStats[] = workers.map(() => ({ keys: 0, keysOutsideSightings: 0, keysIgnoredReportType: 0, idsDerived: 0, matches: 0 }));
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
            const match: Match = { key: batch[rows[i]!]!, interval: rows[i + 1]!, id: sighting.id, sighting };
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
            reject(error);
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
  return workerStats.reduce((a, s) => ({ keys: a.keys + s.keys, keysOutsideSightings: a.keysOutsideSightings + s.keysOutsideSightings, keysIgnoredReportType: a.keysIgnoredReportType + s.keysIgnoredReportType, idsDerived: a.idsDerived + s.idsDerived, matches: a.matches + s.matches }));
}
