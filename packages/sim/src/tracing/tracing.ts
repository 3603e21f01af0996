/**
 * Tracing through the real key-file path: F0 cases are picked, those with the app publish their keys as a
 * health authority would (GAEN: a signed export zip; Bluezone: the F0 JSON file), the file is read back
 * and its signature verified, and every other app phone runs its firmware's exposure check on it. The
 * phones notified are compared with the true F1s: everyone (app or not) who had a true close contact with
 * an F0. Each phone checks the keys of the cases it logged (see {@link keysByLoggedPublisher}): the
 * same verdict as checking the whole file, without a cost of phones × cases.
 * @module
 */
import { createPublicKey } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import {
  bluezoneKeysToJson,
  bytesToHex,
  ERA_START_MS,
  readDiagnosisKeyFile,
  verifyExportSignature,
  writeExportZip,
  type DiagnosisKey,
  type GaenDiagnosisKey,
} from '@proxsense/core';
import type { RandomStream } from '../random/streams.js';
import type { Simulation } from '../run/simulation.js';
import { SightingColumns } from '../store/sightingArena.js';

export interface TracingResult {
  f0: number;
  f0WithApp: number;
  keysPublished: number;
  trueF1: number;
  trueF1WithApp: number;
  notifiedF1: number;
  notifiedTrueF1: number;
  /** True F1s who could not be warned: they, or every F0 they met, had no app. */
  missedNoApp: number;
  /** Notified by the Bluezone RSSI rule instead of the distance rule. */
  bluezoneNotifiedF1: number;
  bluezoneNotifiedTrueF1: number;
  recall: number;
  precision: number;
  bluezoneRecall: number;
  bluezonePrecision: number;
  /** The published file: its name and bytes (written next to the results). */
  keyFile: { name: string; bytes: Uint8Array; publicKeyPem?: string };
}

/** Picks the F0s: the scenario's list, or round(f0Share × people) drawn without replacement. */
export function pickF0(sim: Simulation, random: RandomStream): number[] {
  const { tracing } = sim.scenario;
  if (tracing.f0)
    return [...new Set(tracing.f0.filter((p) => p < sim.people))].sort((a, b) => a - b);
  const k = Math.round(tracing.f0Share * sim.people);
  const chosen = new Set<number>();
  while (chosen.size < Math.min(k, sim.people)) chosen.add(random.nextInt(sim.people));
  return [...chosen].sort((a, b) => a - b);
}

/** `onPhone(done)`: called after each person's exposure check (for a progress bar). */
export function runTracing(
  sim: Simulation,
  random: RandomStream,
  onPhone?: (done: number) => void,
): TracingResult {
  const f0 = pickF0(sim, random);
  const f0Set = new Set(f0);
  const publishers = f0.filter((p) => sim.firmware[p]);
  const keys: DiagnosisKey[] = [];
  const publisherOfKey = new Map<string, number>();
  for (const p of publishers)
    for (const k of sim.firmware[p]!.ownDiagnosisKeys()) {
      keys.push(k);
      publisherOfKey.set(keyIdentity(k), p);
    }
  const { keyFile, signingKey } = publish(sim, keys, random);
  // Read back as any phone would: the format is detected from the bytes and the signature checked first.
  const published = readDiagnosisKeyFile(keyFile.bytes, keyFile.name);
  if (
    signingKey &&
    !(
      published.exportBin &&
      verifyExportSignature(
        { exportBin: published.exportBin, signatures: published.signatures ?? [] },
        p256.getPublicKey(signingKey, false),
      )
    )
  ) {
    throw new Error('internal: the simulated export did not verify');
  }
  // True F1s: close contacts of any F0, app or not.
  const trueF1 = new Set<number>();
  const f1WithAppF0 = new Set<number>();
  const { truth, population } = sim;
  for (let i = 0; i < truth.length; i++) {
    if (!truth.isClose(i)) continue;
    const a = truth.pairAAt(i);
    const b = truth.pairBAt(i);
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      if (!f0Set.has(x) || f0Set.has(y)) continue;
      trueF1.add(y);
      if (population.app[x]) f1WithAppF0.add(y);
    }
  }
  let notified = 0;
  let notifiedTrue = 0;
  let bzNotified = 0;
  let bzNotifiedTrue = 0;
  const keysFor = keysByLoggedPublisher(sim, publishers, published.keys, publisherOfKey);
  for (let p = 0; p < sim.people; p++) {
    onPhone?.(p);
    const fw = sim.firmware[p];
    if (!fw || f0Set.has(p) || !published.keys.length) continue;
    const phoneKeys = keysFor(p);
    if (!phoneKeys.length) continue; // it logged no publisher: nothing in the file can match
    const event = fw.checkExposure(phoneKeys);
    if (event.closeContact) {
      notified++;
      if (trueF1.has(p)) notifiedTrue++;
    }
    if (event.bluezoneCloseContact) {
      bzNotified++;
      if (trueF1.has(p)) bzNotifiedTrue++;
    }
  }
  onPhone?.(sim.people);
  let trueF1WithApp = 0;
  let missedNoApp = 0;
  for (const p of trueF1) {
    if (population.app[p]) trueF1WithApp++;
    if (!population.app[p] || !f1WithAppF0.has(p)) missedNoApp++;
  }
  const ratio = (a: number, b: number) => (b > 0 ? a / b : NaN);
  return {
    f0: f0.length,
    f0WithApp: publishers.length,
    keysPublished: published.keys.length,
    trueF1: trueF1.size,
    trueF1WithApp,
    notifiedF1: notified,
    notifiedTrueF1: notifiedTrue,
    missedNoApp,
    bluezoneNotifiedF1: bzNotified,
    bluezoneNotifiedTrueF1: bzNotifiedTrue,
    recall: ratio(notifiedTrue, trueF1.size),
    precision: ratio(notifiedTrue, notified),
    bluezoneRecall: ratio(bzNotifiedTrue, trueF1.size),
    bluezonePrecision: ratio(bzNotifiedTrue, bzNotified),
    keyFile,
  };
}

/** A key's identity across the file round trip: scheme, key bytes and start. */
function keyIdentity(k: DiagnosisKey): string {
  return k.scheme === 'gaen'
    ? `gaen:${bytesToHex(k.keyData)}:${k.rollingStartIntervalNumber}`
    : `bluezone:${bytesToHex(k.dailyKey)}:${k.timeDkS}`;
}

/**
 * For each phone, the keys of the file that can match its log: those of the publishers it logged a
 * sighting of (the simulator's IDs are interned with their owner, so the store says whom it heard),
 * in file order, plus any key of the file whose publisher is unknown. A key of anyone else derives IDs
 * the phone never stored, so its check (the firmware's own) concludes the same as with the whole file,
 * at a cost per phone that does not grow with the number of cases: with every phone matching every
 * key, tracing grew with phones × F0s (100 k phones, 1 % F0: 10⁸ key derivations).
 */
function keysByLoggedPublisher(
  sim: Simulation,
  publishers: readonly number[],
  fileKeys: readonly DiagnosisKey[],
  publisherOfKey: ReadonlyMap<string, number>,
): (phone: number) => DiagnosisKey[] {
  const publisherIndex = new Int32Array(sim.people).fill(-1);
  publishers.forEach((p, i) => (publisherIndex[p] = i));
  const keysOf: number[][] = publishers.map(() => []);
  const anyone: number[] = [];
  fileKeys.forEach((k, j) => {
    const p = publisherOfKey.get(keyIdentity(k));
    (p === undefined ? anyone : keysOf[publisherIndex[p]!]!).push(j);
  });
  const seenBy = new Int32Array(publishers.length).fill(-1);
  const columns = new SightingColumns();
  return (phone) => {
    const store = sim.stores[phone];
    const wanted = [...anyone];
    if (store)
      for (let i = 0, c = store.columns(columns); i < c.length; i++) {
        const q = publisherIndex[sim.ids.owner(c.idIndex[i]!)]!;
        if (q < 0 || seenBy[q] === phone) continue;
        seenBy[q] = phone;
        wanted.push(...keysOf[q]!);
      }
    return wanted.sort((a, b) => a - b).map((j) => fileKeys[j]!);
  };
}

/** The run's signing key, from the tracing stream (a health authority's key is its own secret). */
function drawSigningKey(random: RandomStream): Uint8Array {
  for (;;) {
    const candidate = random.randomBytes(32);
    try {
      p256.getPublicKey(candidate);
      return candidate;
    } catch {
      // Not a valid scalar (probability ~2^-32): draw again.
    }
  }
}

function publish(
  sim: Simulation,
  keys: DiagnosisKey[],
  random: RandomStream,
): { keyFile: TracingResult['keyFile']; signingKey?: Uint8Array } {
  if (sim.scenario.profile === 'bluezone') {
    const json = JSON.stringify(
      bluezoneKeysToJson(keys.filter((k) => k.scheme === 'bluezone')),
      null,
      1,
    );
    return { keyFile: { name: 'diagnosis-keys.json', bytes: new TextEncoder().encode(json) } };
  }
  const gaenKeys = keys
    .filter((k): k is GaenDiagnosisKey => k.scheme === 'gaen')
    .map((k) => ({ ...k, reportType: 1, transmissionRiskLevel: 0 }));
  const endS = Math.floor((sim.startMs + sim.durationS * 1000) / 1000);
  const signingKey = drawSigningKey(random);
  const bytes = writeExportZip(
    // The 14-day window, but never before the era core reads keys from (a start in early January 2020).
    {
      startTimestamp: Math.max(ERA_START_MS / 1000, Math.floor(sim.startMs / 1000) - 14 * 86_400),
      endTimestamp: endS,
      region: 'SIM',
      batchNum: 1,
      batchSize: 1,
      signatureInfos: [],
      keys: gaenKeys,
      revisedKeys: [],
    },
    { signingKey, signatureInfo: { verificationKeyId: 'sim', verificationKeyVersion: 'v1' } },
  );
  return {
    keyFile: {
      name: 'diagnosis-keys.zip',
      bytes,
      publicKeyPem: publicKeyPem(p256.getPublicKey(signingKey, false)),
    },
    signingKey,
  };
}

/** SubjectPublicKeyInfo PEM of an uncompressed P-256 point (so `proxsense match --verify` can check the export). */
function publicKeyPem(point: Uint8Array): string {
  const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
  return createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: b64url(point.subarray(1, 33)),
      y: b64url(point.subarray(33, 65)),
    },
    format: 'jwk',
  }).export({ type: 'spki', format: 'pem' }) as string;
}
