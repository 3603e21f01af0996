/**
 * Builds the example data set in examples/ (the default scenario of `npm start`), deterministically from
 * one seed: two days of one phone's scan log in 2020-07, with the phones it met broadcasting GAEN or
 * Bluezone IDs; some of those phones' owners later test positive and publish their keys.
 *
 *   npx tsx examples/make-examples.ts [outDir]
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { p256 } from '@noble/curves/nist.js';
import {
  associatedEncryptedMetadata,
  associatedEncryptedMetadataKey,
  bluezoneDailyKeyAfter,
  bluezoneIdsFrom,
  bluezoneKeysToJson,
  bytesToHex,
  encodeGaenMetadata,
  formatSightingLine,
  gaenExportToJson,
  pureCryptoProvider,
  rollingProximityIdentifierKey,
  rollingProximityIdentifiers,
  SeededRandom,
  writeExportZip,
  type BluezoneDiagnosisKey,
  type GaenDiagnosisKey,
  type GaenKeyExport,
  type Sighting,
} from '@proxsense/core';

const SEED = 2020;
const DAY0_S = Date.UTC(2020, 6, 20) / 1000; // 2020-07-20, Bluezone's 96-IDs-a-day period
const DAYS = 2;
const crypto = pureCryptoProvider;

interface Phone {
  scheme: 'gaen' | 'bluezone';
  name: string;
  /** GAEN: one TEK per day; Bluezone: the daily key of day 0. */
  keys: Uint8Array[];
  txPowerDbm: number;
  positive: boolean;
}

/** Writes the example files into `outDir`; returns their names. */
export function makeExamples(outDir: string): string[] {
  const random = new SeededRandom(SEED);
  const int = (lo: number, hi: number) => lo + Math.floor(random.nextFloat() * (hi - lo + 1));
  const phones: Phone[] = [];
  for (let p = 0; p < 24; p++) {
    const gaen = p < 16;
    phones.push({
      scheme: gaen ? 'gaen' : 'bluezone',
      name: `${gaen ? 'gaen' : 'bz'}-${p}`,
      keys: gaen
        ? Array.from({ length: DAYS }, () => random.randomBytes(16))
        : [random.randomBytes(32)],
      txPowerDbm: int(-20, 8),
      positive: p % 5 === 1,
    });
  }

  const sightings: Sighting[] = [];
  for (const phone of phones) {
    const encounters = int(1, 3);
    for (let e = 0; e < encounters; e++) {
      const startS = DAY0_S + int(0, DAYS * 86_400 - 4_000);
      const durationS = int(300, 3_600);
      const baseRssi = int(-90, -50);
      // GAEN scans ~every 4–5 minutes; the Bluezone app scans 40 s every 5 minutes and logs per advert seen.
      for (
        let t = startS;
        t < startS + durationS;
        t += phone.scheme === 'gaen' ? int(210, 300) : 300
      ) {
        const timeMs = t * 1000 + int(0, 999);
        const rssiDbm = Math.max(-127, Math.min(0, baseRssi + int(-6, 6)));
        const day = Math.floor((t - DAY0_S) / 86_400);
        if (phone.scheme === 'gaen') {
          const tek = phone.keys[day]!;
          const interval = Math.floor(t / 600);
          const rpi = rollingProximityIdentifiers(
            crypto,
            rollingProximityIdentifierKey(crypto, tek),
            interval,
            1,
          );
          const aem = associatedEncryptedMetadata(
            crypto,
            associatedEncryptedMetadataKey(crypto, tek),
            rpi,
            encodeGaenMetadata({ txPowerDbm: phone.txPowerDbm }),
          );
          sightings.push({ timeMs, scheme: 'gaen', id: rpi, rssiDbm, aem, scanner: 'my-phone' });
        } else {
          const slot = Math.floor((t - DAY0_S) / 900);
          const id = bluezoneIdsFrom(crypto, phone.keys[0]!, 96, slot, 1);
          sightings.push({ timeMs, scheme: 'bluezone', id, rssiDbm, scanner: 'my-phone' });
        }
      }
    }
  }
  sightings.sort((a, b) => a.timeMs - b.timeMs);

  // Published GAEN keys: the positives' TEKs among keys of people this phone never met.
  const published: GaenDiagnosisKey[] = [];
  for (const phone of phones.filter((p) => p.scheme === 'gaen' && p.positive)) {
    phone.keys.forEach((keyData, day) =>
      published.push({
        scheme: 'gaen',
        keyData,
        rollingStartIntervalNumber: (DAY0_S + day * 86_400) / 600,
        rollingPeriod: 144,
        transmissionRiskLevel: 4,
        reportType: 1,
        daysSinceOnsetOfSymptoms: day - 2,
      }),
    );
  }
  for (let k = 0; k < 40; k++)
    published.push({
      scheme: 'gaen',
      keyData: random.randomBytes(16),
      rollingStartIntervalNumber: (DAY0_S + (k % DAYS) * 86_400) / 600,
      rollingPeriod: 144,
      transmissionRiskLevel: 2,
      reportType: 1,
    });
  published.sort((a, b) => bytesToHex(a.keyData).localeCompare(bytesToHex(b.keyData)));
  const keyExport: GaenKeyExport = {
    startTimestamp: DAY0_S,
    endTimestamp: DAY0_S + DAYS * 86_400,
    region: 'VN',
    batchNum: 1,
    batchSize: 1,
    signatureInfos: [],
    keys: published,
    revisedKeys: [],
  };

  // An example signing key derived from the seed: for demonstrations only, never for real exports.
  const secret = p256.utils.randomSecretKey(random.randomBytes(48));
  const publicKey = p256.getPublicKey(secret, false);
  const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
  const jwk = {
    kty: 'EC',
    crv: 'P-256',
    d: b64u(secret),
    x: b64u(publicKey.subarray(1, 33)),
    y: b64u(publicKey.subarray(33)),
  };
  const privatePem = createPrivateKey({ key: jwk, format: 'jwk' }).export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;
  const publicPem = createPublicKey({
    key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y },
    format: 'jwk',
  }).export({ type: 'spki', format: 'pem' }) as string;

  const bluezoneF0: BluezoneDiagnosisKey[] = phones
    .filter((p) => p.scheme === 'bluezone' && p.positive)
    .map((p) => ({
      scheme: 'bluezone',
      dailyKey: bluezoneDailyKeyAfter(crypto, p.keys[0]!, 0),
      timeDkS: DAY0_S,
      maxRoll: 96,
      timeTeS: DAY0_S + DAYS * 86_400 - 1,
    }));

  // Labelled RSSI for `calibrate fit` and `estimate`: 8 walks away from a receiver, a reading every
  // 10 s, drawn from a path-loss model with heavy body/pocket shadowing (σ 9 dB).
  const truth = { a0Db: 48, pathLossExponent: 2.2, sigmaDb: 9 };
  const labelled: string[] = ['t,id,distance,rssi,tx,model'];
  for (let walk = 0; walk < 8; walk++) {
    const tx = [-24, -27, -20][walk % 3]!;
    const receiver = ['Pixel 4a', 'SM-G991B', 'iPhone 12'][walk % 3]!;
    for (let step = 0; step < 50; step++) {
      const distanceM = Math.round((0.5 + step * 0.1 + random.nextFloat() * 0.2) * 100) / 100;
      const attenuation =
        truth.a0Db +
        10 * truth.pathLossExponent * Math.log10(distanceM) +
        truth.sigmaDb * random.nextGaussian();
      labelled.push(
        `${Date.UTC(2020, 6, 22, 10, walk * 10) + step * 10_000},walk-${walk},${distanceM},${Math.round(tx - attenuation)},${tx},${receiver}`,
      );
    }
  }
  const episodesConfig = {
    attenuationThresholdsDb: [55, 63, 73],
    attenuationBucketWeights: [1, 1, 0.5, 0],
    reportTypeWeights: [1, 1, 1, 0.5, 0, 0],
    closeContactMaxDistanceM: 2,
    closeContactMinDurationS: 900,
  };

  mkdirSync(outDir, { recursive: true });
  const files: Record<string, string | Uint8Array> = {
    'sightings.jsonl': sightings.map(formatSightingLine).join('\n') + '\n',
    'keys.json': JSON.stringify(gaenExportToJson(keyExport), null, 2) + '\n',
    'diagnosis-keys.zip': writeExportZip(keyExport, {
      signingKey: secret,
      signatureInfo: { verificationKeyId: '452', verificationKeyVersion: 'v1' },
    }),
    'bluezone-f0.json': JSON.stringify({ data: bluezoneKeysToJson(bluezoneF0) }, null, 2) + '\n',
    'signing-key.pem': privatePem,
    'signing-key.pub.pem': publicPem,
    'labelled-rssi.csv': labelled.join('\n') + '\n',
    'episodes-config.json': JSON.stringify(episodesConfig, null, 2) + '\n',
  };
  for (const [name, data] of Object.entries(files)) writeFileSync(join(outDir, name), data);
  return Object.keys(files);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outDir = process.argv[2] ?? fileURLToPath(new URL('.', import.meta.url));
  console.log(`wrote ${makeExamples(outDir).join(', ')} to ${outDir}`);
}
