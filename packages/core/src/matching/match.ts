/**
 * Matching published diagnosis keys against stored sightings: expand each key to its IDs, probe the
 * sightings index, and report every sighting seen inside the ID's window. Keys stream through one at a
 * time, so memory is bounded by the sightings index whatever the number of keys.
 * @module
 */
import type { CryptoProvider } from '../crypto/provider.js';
import { pureCryptoProvider } from '../crypto/pure.js';
import type { DiagnosisKey } from '../ids/diagnosisKey.js';
import { associatedEncryptedMetadataKey } from '../ids/gaen/keySchedule.js';
import { decodeGaenMetadata } from '../ids/gaen/metadata.js';
import { createIdBatch, idSchemeFor } from '../ids/scheme.js';
import type { Sighting } from '../sightings/sighting.js';
import { SightingIndex } from './sightingIndex.js';

/** One stored sighting that a diagnosis key explains. */
export interface Match {
  key: DiagnosisKey;
  /** Interval of the matched ID (GAEN ENIntervalNumber; Bluezone slot from the key's day start). */
  interval: number;
  /** The matched ID (RPI or Bluezone ID). */
  id: Uint8Array;
  sighting: Sighting;
  /** TX power decrypted from the sighting's AEM (GAEN, when an AEM was stored). */
  decryptedTxPowerDbm?: number;
  /** Calibration confidence 0..3 decrypted from the sighting's AEM (metadata v1.1 bits 3–2). */
  decryptedCalibrationConfidence?: number;
}

/**
 * GAEN report types that never match: RECURSIVE (4) and REVOKED (5). The reference accepts neither
 * (google/exposure-notifications-internals `ContactTracingFeature.enableRecursiveTekReportType()` is
 * false; `TekMetadataUtils.isTekReportTypeReturnableToClients` excludes REVOKED), so a revoked key
 * withdraws its exposures instead of raising them with a zero weight.
 */
export const GAEN_NON_MATCHING_REPORT_TYPES: readonly number[] = [4, 5];

/** Whether a diagnosis key takes part in matching (GAEN RECURSIVE and REVOKED keys do not). */
export function keyMatches(key: DiagnosisKey): boolean {
  return !(
    key.scheme === 'gaen' &&
    key.reportType !== undefined &&
    GAEN_NON_MATCHING_REPORT_TYPES.includes(key.reportType)
  );
}

/** Options of {@link Matcher}. */
export interface MatcherOptions {
  /** Crypto for key expansion; default {@link pureCryptoProvider}. Pass the Node provider on servers. */
  crypto?: CryptoProvider;
  /** Decrypt the AEM of matched GAEN sightings to recover TX power; default true. */
  decryptMetadata?: boolean;
}

/** Running totals of a {@link Matcher}. */
export interface MatchStats {
  keys: number;
  /** Keys skipped without crypto because their window misses every stored sighting. */
  keysOutsideSightings: number;
  /** GAEN keys skipped because their report type is RECURSIVE or REVOKED (see {@link keyMatches}). */
  keysIgnoredReportType: number;
  idsDerived: number;
  matches: number;
}

/**
 * Matches keys of both schemes against a fixed set of sightings. Build once, then feed keys one by
 * one ({@link Matcher.matchKey}) or as any iterable ({@link Matcher.matchAll}).
 */
export class Matcher {
  readonly stats: MatchStats = {
    keys: 0,
    keysOutsideSightings: 0,
    keysIgnoredReportType: 0,
    idsDerived: 0,
    matches: 0,
  };
  private readonly crypto: CryptoProvider;
  private readonly decryptMetadata: boolean;
  private readonly indexes: { gaen: SightingIndex; bluezone: SightingIndex };
  private readonly batch = createIdBatch();

  constructor(
    sightings: readonly Sighting[] | { gaen: SightingIndex; bluezone: SightingIndex },
    options: MatcherOptions = {},
  ) {
    this.crypto = options.crypto ?? pureCryptoProvider;
    this.decryptMetadata = options.decryptMetadata ?? true;
    this.indexes = Array.isArray(sightings)
      ? {
          gaen: new SightingIndex('gaen', sightings),
          bluezone: new SightingIndex('bluezone', sightings),
        }
      : (sightings as { gaen: SightingIndex; bluezone: SightingIndex });
  }

  /** Calls `onMatch` for every stored sighting `key` explains; returns how many there were. */
  matchKey(key: DiagnosisKey, onMatch: (match: Match) => void): number {
    return this.forEachHit(key, (index, interval, id, p, txPowerDbm, calibrationConfidence) => {
      const match: Match = { key, interval, id: id.slice(), sighting: index.sightingAt(p) };
      if (txPowerDbm !== undefined) {
        match.decryptedTxPowerDbm = txPowerDbm;
        match.decryptedCalibrationConfidence = calibrationConfidence;
      }
      onMatch(match);
    });
  }

  /**
   * {@link matchKey} without sighting objects (for indexes rebuilt from parts in a worker): calls
   * `onHit` with the matched interval, the sighting's index in the array the index was built from, and
   * the TX power and calibration confidence decrypted from its AEM (NaN when none).
   */
  matchKeyPositions(
    key: DiagnosisKey,
    onHit: (
      interval: number,
      sourceIndex: number,
      txPowerDbm: number,
      calibrationConfidence: number,
    ) => void,
  ): number {
    return this.forEachHit(key, (index, interval, _id, p, txPowerDbm, calibrationConfidence) => {
      onHit(interval, index.sourceIndexAt(p), txPowerDbm ?? NaN, calibrationConfidence ?? NaN);
    });
  }

  private forEachHit(
    key: DiagnosisKey,
    onHit: (
      index: SightingIndex,
      interval: number,
      id: Uint8Array,
      p: number,
      txPowerDbm?: number,
      calibrationConfidence?: number,
    ) => void,
  ): number {
    this.stats.keys++;
    if (!keyMatches(key)) {
      this.stats.keysIgnoredReportType++;
      return 0;
    }
    const index = this.indexes[key.scheme];
    if (index.count === 0) {
      this.stats.keysOutsideSightings++;
      return 0;
    }
    const scheme = idSchemeFor(key);
    const batch = scheme.deriveIds(
      this.crypto,
      key,
      this.batch,
      index.minTimeMs,
      index.maxTimeMs + 1,
    );
    if (batch.count === 0) {
      this.stats.keysOutsideSightings++;
      return 0;
    }
    this.stats.idsDerived += batch.count;
    const idBytes = scheme.idBytes;
    const ids = batch.ids;
    let found = 0;
    let aemk: Uint8Array | undefined;
    for (let i = 0; i < batch.count; i++) {
      const group = index.findGroup(ids, i * idBytes);
      if (group < 0) continue;
      const windowStart = batch.firstWindowStartMs + i * batch.intervalMs;
      const windowEnd = batch.firstWindowEndMs + i * batch.intervalMs;
      const [from, to] = index.groupRange(group);
      const id = ids.subarray(i * idBytes, (i + 1) * idBytes);
      for (let p = from; p < to; p++) {
        const t = index.timeAt(p);
        if (t < windowStart || t >= windowEnd) continue;
        const aem = key.scheme === 'gaen' && this.decryptMetadata ? index.aemAt(p) : undefined;
        found++;
        if (aem && key.scheme === 'gaen') {
          aemk ??= associatedEncryptedMetadataKey(this.crypto, key.keyData);
          const metadata = decodeGaenMetadata(this.crypto.aes128Ctr(aemk, id, aem));
          onHit(
            index,
            batch.firstInterval + i,
            id,
            p,
            metadata.txPowerDbm,
            metadata.calibrationConfidence ?? 0,
          );
        } else {
          onHit(index, batch.firstInterval + i, id, p);
        }
      }
    }
    this.stats.matches += found;
    return found;
  }

  /** Matches every key of `keys` (consumed lazily) and returns all matches, in key order. */
  matchAll(keys: Iterable<DiagnosisKey>): Match[] {
    const out: Match[] = [];
    for (const key of keys) this.matchKey(key, (m) => out.push(m));
    return out;
  }
}

/** One-shot convenience: every match of `keys` in `sightings`. */
export function matchDiagnosisKeys(
  keys: Iterable<DiagnosisKey>,
  sightings: readonly Sighting[],
  options: MatcherOptions = {},
): Match[] {
  return new Matcher(sightings, options).matchAll(keys);
}
