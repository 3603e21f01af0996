/**
 * The matching benchmark's data: stored sightings over one whole day (so every key derives all 144
 * RPIs) with some keys planted among them, and streams of published keys. Shared by the benchmark and
 * its per-configuration child processes, so both see the same bytes for the same seed.
 */
import {
  pureCryptoProvider,
  rollingProximityIdentifierKey,
  rollingProximityIdentifiers,
  SeededRandom,
  type GaenDiagnosisKey,
  type Sighting,
} from '@proxsense/core';

/** Rolling start interval of the simulated day (a multiple of 144; 2025-02-20). */
export const DAY_START = 2_900_016;

export function* keyStream(
  count: number,
  seed: number,
  planted: GaenDiagnosisKey[] = [],
): Generator<GaenDiagnosisKey> {
  const random = new SeededRandom(seed);
  const every = planted.length ? Math.floor(count / planted.length) : Infinity;
  for (let i = 0; i < count; i++) {
    const p = Math.floor(i / every);
    if (i % every === 0 && p < planted.length) yield planted[p]!;
    else
      yield {
        scheme: 'gaen',
        keyData: random.randomBytes(16),
        rollingStartIntervalNumber: DAY_START,
        rollingPeriod: 144,
      };
  }
}

/** Stored sightings over the whole day, `planted` keys really seen. */
export function makeSightings(
  count: number,
  planted: number,
  seed: number,
): { sightings: Sighting[]; plantedKeys: GaenDiagnosisKey[] } {
  const random = new SeededRandom(seed);
  const sightings: Sighting[] = [];
  const plantedKeys: GaenDiagnosisKey[] = [];
  for (let k = 0; k < planted; k++) {
    const key: GaenDiagnosisKey = {
      scheme: 'gaen',
      keyData: random.randomBytes(16),
      rollingStartIntervalNumber: DAY_START,
      rollingPeriod: 144,
    };
    plantedKeys.push(key);
    const interval = DAY_START + (k % 144);
    sightings.push({
      scheme: 'gaen',
      id: rollingProximityIdentifiers(
        pureCryptoProvider,
        rollingProximityIdentifierKey(pureCryptoProvider, key.keyData),
        interval,
        1,
      ),
      timeMs: interval * 600_000 + 1_000,
      rssiDbm: -60,
    });
  }
  while (sightings.length < count) {
    sightings.push({
      scheme: 'gaen',
      id: random.randomBytes(16),
      timeMs: (DAY_START + (sightings.length % 144)) * 600_000 + 2_000,
      rssiDbm: -70,
    });
  }
  return { sightings, plantedKeys };
}
