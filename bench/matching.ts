/**
 * Matching throughput: keys/s for the pure-TS and node:crypto providers against the bound of raw
 * node:crypto AES-128-ECB on one large buffer ÷ 144 (the AES work of one GAEN key), plus a national-scale
 * run (1 M keys streamed against 100 k stored sightings) that checks memory stays bounded.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import {
  Matcher,
  pureCryptoProvider,
  rollingProximityIdentifierKey,
  rollingProximityIdentifiers,
  SeededRandom,
  SightingIndex,
  type CryptoProvider,
  type GaenDiagnosisKey,
  type Sighting,
} from '@proxsense/core';
import { matchInParallel, nodeCryptoProvider } from '@proxsense/core/node';

export interface MatchingBenchOptions {
  /** Keys for the node-provider throughput run. */
  keys?: number;
  /** Keys for the pure-TS run. */
  pureKeys?: number;
  /** Keys for the scale run (streamed, never held in memory). */
  scaleKeys?: number;
  /** Stored sightings. */
  sightings?: number;
  /** Keys among the scale run's that the stored sightings really saw. */
  planted?: number;
  /** Worker threads for the parallel figures; default: available parallelism. */
  threads?: number;
  /** Print nothing (tests). */
  quiet?: number;
}

export interface MatchingBenchResult {
  aesBlocksPerS: number;
  boundKeysPerS: number;
  nodeKeysPerS: number;
  parallelKeysPerS: number;
  threads: number;
  pureKeysPerS: number;
  scale: { keys: number; seconds: number; plantedFound: number; planted: number; rssGrowthMb: number; indexMb: number };
}

// Targets from the matching issue: node ≥ 45% of the AES bound; pure TS ≥ 20 k keys/s.
const NODE_TARGET_RATIO = 0.45;
const PURE_LIMIT_KEYS_PER_S = 20_000;
const DAY_START = 2_900_016; // rolling start interval of the simulated day (a multiple of 144)

function rawAesBlocksPerS(): number {
  const buffer = randomBytes(16 << 20);
  let best = 0;
  for (let run = 0; run < 3; run++) {
    const cipher = createCipheriv('aes-128-ecb', randomBytes(16), null);
    cipher.setAutoPadding(false);
    const t0 = performance.now();
    cipher.update(buffer);
    const s = (performance.now() - t0) / 1000;
    best = Math.max(best, buffer.length / 16 / s);
  }
  return best;
}

function* keyStream(count: number, seed: number, planted: GaenDiagnosisKey[] = []): Generator<GaenDiagnosisKey> {
  const random = new SeededRandom(seed);
  const every = planted.length ? Math.floor(count / planted.length) : Infinity;
  for (let i = 0; i < count; i++) {
    const p = Math.floor(i / every);
    if (i % every === 0 && p < planted.length) yield planted[p]!;
    else yield { scheme: 'gaen', keyData: random.randomBytes(16), rollingStartIntervalNumber: DAY_START, rollingPeriod: 144 };
  }
}

/** Stored sightings over the whole day (so every key derives all 144 RPIs), `planted` keys really seen. */
function makeSightings(count: number, planted: number, seed: number): { sightings: Sighting[]; plantedKeys: GaenDiagnosisKey[] } {
  const random = new SeededRandom(seed);
  const sightings: Sighting[] = [];
  const plantedKeys: GaenDiagnosisKey[] = [];
  for (let k = 0; k < planted; k++) {
    const key: GaenDiagnosisKey = { scheme: 'gaen', keyData: random.randomBytes(16), rollingStartIntervalNumber: DAY_START, rollingPeriod: 144 };
    plantedKeys.push(key);
    const interval = DAY_START + (k % 144);
    sightings.push({ scheme: 'gaen', id: rollingProximityIdentifiers(pureCryptoProvider, rollingProximityIdentifierKey(pureCryptoProvider, key.keyData), interval, 1), timeMs: interval * 600_000 + 1_000, rssiDbm: -60 });
  }
  while (sightings.length < count) {
    sightings.push({ scheme: 'gaen', id: random.randomBytes(16), timeMs: (DAY_START + (sightings.length % 144)) * 600_000 + 2_000, rssiDbm: -70 });
  }
  return { sightings, plantedKeys };
}

function keysPerS(crypto: CryptoProvider, index: SightingIndex, keys: GaenDiagnosisKey[]): number {
  const matcher = new Matcher({ gaen: index, bluezone: new SightingIndex('bluezone', []) }, { crypto });
  // Warm-up so the JIT has compiled the loop before the clock starts.
  for (let i = 0; i < Math.min(2000, keys.length); i++) matcher.matchKey(keys[i]!, () => {});
  const t0 = performance.now();
  for (const key of keys) matcher.matchKey(key, () => {});
  return keys.length / ((performance.now() - t0) / 1000);
}

const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Runs the benchmark and prints its figures; returns them for tests and scripts. */
export async function runMatchingBench(options: MatchingBenchOptions = {}): Promise<MatchingBenchResult> {
  const { keys = 200_000, pureKeys = 30_000, scaleKeys = 1_000_000, sightings = 100_000, planted = 1_000, quiet = 0 } = options;
  const log = quiet ? () => {} : (line: string) => console.log(line);

  const aesBlocksPerS = rawAesBlocksPerS();
  const boundKeysPerS = aesBlocksPerS / 144;
  log(`matching: bound   raw node:crypto AES-128-ECB on 16 MiB: ${fmt(aesBlocksPerS / 1e6)} M blocks/s ÷ 144 = ${fmt(boundKeysPerS / 1e3)} k keys/s`);

  const { sightings: stored, plantedKeys } = makeSightings(sightings, planted, 1);
  const heapBefore = process.memoryUsage().heapUsed;
  const index = new SightingIndex('gaen', stored);
  const indexMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
  const throughputKeys = [...keyStream(keys, 2)];

  const nodeKeysPerS = keysPerS(nodeCryptoProvider, index, throughputKeys);
  const nodeRatio = nodeKeysPerS / boundKeysPerS;
  log(`matching: node×1 ${fmt(nodeKeysPerS / 1e3)} k keys/s = ${fmt(nodeRatio, 2)} × bound (target ≥ ${NODE_TARGET_RATIO}) ${nodeRatio >= NODE_TARGET_RATIO ? 'ok' : 'BELOW TARGET'}`);

  const pureKeysPerS = keysPerS(pureCryptoProvider, index, throughputKeys.slice(0, pureKeys));
  const pureRatio = pureKeysPerS / PURE_LIMIT_KEYS_PER_S;
  log(`matching: pure-ts ${fmt(pureKeysPerS / 1e3)} k keys/s = ${fmt(pureRatio, 2)} × limit ${PURE_LIMIT_KEYS_PER_S / 1e3} k keys/s (target ≥ 1) ${pureRatio >= 1 ? 'ok' : 'BELOW TARGET'}; ${fmt(pureKeysPerS / boundKeysPerS, 2)} × bound`);

  const threads = Math.max(1, options.threads ?? availableParallelism());

  // Scale: keys are generated as they stream, so the only large things in memory are the sightings
  // index (one per worker) and the batches in flight.
  throughputKeys.length = 0;
  const plantedHex = new Set(plantedKeys.map((k) => Buffer.from(k.keyData).toString('hex')));
  const found = new Set<string>();
  const rssStart = process.memoryUsage().rss;
  let rssPeak = rssStart;
  const t0 = performance.now();
  await matchInParallel(keyStream(scaleKeys, 3, plantedKeys), stored, (m) => {
    const hex = Buffer.from(m.key.scheme === 'gaen' ? m.key.keyData : m.key.dailyKey).toString('hex');
    if (plantedHex.has(hex)) found.add(hex);
  }, { threads, onProgress: () => { rssPeak = Math.max(rssPeak, process.memoryUsage().rss); } });
  const seconds = (performance.now() - t0) / 1000;
  const rssGrowthMb = (rssPeak - rssStart) / 1e6;
  const parallelKeysPerS = scaleKeys / seconds;
  log(`matching: node×${threads} ${scaleKeys.toLocaleString('en-US')} keys streamed vs ${sightings.toLocaleString('en-US')} sightings on ${threads} worker threads in ${fmt(seconds)} s = ${fmt(parallelKeysPerS / 1e3)} k keys/s = ${fmt(parallelKeysPerS / boundKeysPerS, 2)} × one-core bound (start-up included); planted matches found ${found.size}/${plantedKeys.length}; peak RSS growth ${fmt(rssGrowthMb)} MB for ${threads} workers (index ${fmt(indexMb)} MB each)`);
  return { aesBlocksPerS, boundKeysPerS, nodeKeysPerS, parallelKeysPerS, threads, pureKeysPerS, scale: { keys: scaleKeys, seconds, plantedFound: found.size, planted: plantedKeys.length, rssGrowthMb, indexMb } };
}
