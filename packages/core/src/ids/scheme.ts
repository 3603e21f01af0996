/**
 * One small shape over both ID schemes, so matching, the firmware and the simulator never branch on
 * which scheme runs: a key yields consecutive IDs, each valid (for matching) inside a time window.
 * @module
 */
import type { CryptoProvider } from '../crypto/provider.js';
import { BLUEZONE_ID_BYTES, bluezoneIdsFrom, bluezoneSlotMs } from './bluezone/keySchedule.js';
import type {
  BluezoneDiagnosisKey,
  DiagnosisKey,
  GaenDiagnosisKey,
  SchemeName,
} from './diagnosisKey.js';
import { RPI_BYTES, RPI_MATCH_TOLERANCE_MS, TEK_ROLLING_PERIOD } from './gaen/constants.js';
import { rollingProximityIdentifierKey, writeRpiPaddedData } from './gaen/keySchedule.js';

// EN_INTERVAL_S × 1000, written out: a product at module level is code bundlers keep.
const EN_INTERVAL_MS = 600_000;

/**
 * Reusable output of {@link IdScheme.deriveIds}: `count` IDs for consecutive intervals starting at
 * `firstInterval`. Reused across keys so the matching loop allocates nothing per key.
 */
export interface IdBatch {
  count: number;
  /** `count × idBytes` bytes, ID i at offset i × idBytes. */
  ids: Uint8Array;
  /**
   * Interval number of the first ID: GAEN ENIntervalNumber; Bluezone slot counted from the key's day start
   * (`timeDk`), continuing past the first day, so `keys derive --interval` reproduces it from the daily key.
   */
  firstInterval: number;
  /** Length of one interval in ms. */
  intervalMs: number;
  /** Sightings of ID i count from `firstWindowStartMs + i × intervalMs` … */
  firstWindowStartMs: number;
  /** … up to (excluding) `firstWindowEndMs + i × intervalMs`. */
  firstWindowEndMs: number;
}

/** A fresh, empty batch. */
export function createIdBatch(): IdBatch {
  return {
    count: 0,
    ids: new Uint8Array(0),
    firstInterval: 0,
    intervalMs: 0,
    firstWindowStartMs: 0,
    firstWindowEndMs: 0,
  };
}

/** What a rotating-ID scheme offers to scheme-agnostic code. */
export interface IdScheme<K extends DiagnosisKey = DiagnosisKey> {
  readonly name: SchemeName;
  /** Bytes of one broadcast ID. */
  readonly idBytes: number;
  /** First and last-plus-one ms during which some ID of `key` can match a sighting. */
  keyWindowMs(key: K): { startMs: number; endMs: number };
  /**
   * Fills `out` with the IDs of `key` whose match windows intersect [fromMs, toMs) (all of them when the
   * range is omitted). Returns `out`; `out.count` is 0 when none does.
   */
  deriveIds(crypto: CryptoProvider, key: K, out: IdBatch, fromMs?: number, toMs?: number): IdBatch;
}

/** The GAEN scheme: one RPI per 10-minute interval, matched within its interval ± 2 hours. */
export const gaenScheme: IdScheme<GaenDiagnosisKey> & {
  /** Padded data is the same for every key with the same interval range: cached here. */
  readonly paddedCache: { first: number; count: number; data: Uint8Array };
} = {
  name: 'gaen',
  idBytes: RPI_BYTES,
  paddedCache: { first: -1, count: 0, data: /* @__PURE__ */ new Uint8Array(0) },
  keyWindowMs(key) {
    return {
      startMs: key.rollingStartIntervalNumber * EN_INTERVAL_MS - RPI_MATCH_TOLERANCE_MS,
      endMs:
        (key.rollingStartIntervalNumber + key.rollingPeriod) * EN_INTERVAL_MS +
        RPI_MATCH_TOLERANCE_MS,
    };
  },
  deriveIds(crypto, key, out, fromMs = -Infinity, toMs = Infinity) {
    const start = key.rollingStartIntervalNumber;
    const end = start + Math.min(key.rollingPeriod, TEK_ROLLING_PERIOD);
    // Interval i matches times in [i·I − tol, (i+1)·I + tol); keep those intersecting [fromMs, toMs).
    const lo = Math.max(start, Math.floor((fromMs - RPI_MATCH_TOLERANCE_MS) / EN_INTERVAL_MS));
    const hi = Math.min(end, Math.ceil((toMs + RPI_MATCH_TOLERANCE_MS) / EN_INTERVAL_MS));
    out.intervalMs = EN_INTERVAL_MS;
    out.firstInterval = lo;
    out.firstWindowStartMs = lo * EN_INTERVAL_MS - RPI_MATCH_TOLERANCE_MS;
    out.firstWindowEndMs = (lo + 1) * EN_INTERVAL_MS + RPI_MATCH_TOLERANCE_MS;
    if (hi <= lo) {
      out.count = 0;
      return out;
    }
    const count = hi - lo;
    const cache = this.paddedCache;
    if (cache.first !== lo || cache.count !== count) {
      cache.data = writeRpiPaddedData(lo, count);
      cache.first = lo;
      cache.count = count;
    }
    out.ids = crypto.aes128EcbEncrypt(
      rollingProximityIdentifierKey(crypto, key.keyData),
      cache.data,
    );
    out.count = count;
    return out;
  },
};

/** Interval geometry of a Bluezone F0 entry: slots anchored at `timeDk`, continuing day after day. */
export function bluezoneKeySlots(key: BluezoneDiagnosisKey): {
  slotMs: number;
  firstSlotStartMs: number;
  slotCount: number;
} {
  const slotMs = bluezoneSlotMs(key.maxRoll);
  const firstSlotStartMs = key.timeDkS * 1000;
  const spanMs = key.timeTeS * 1000 - firstSlotStartMs;
  // The app checks every slot whose start is ≤ timeTe.
  const slotCount = spanMs < 0 ? 0 : Math.floor(spanMs / slotMs) + 1;
  return { slotMs, firstSlotStartMs, slotCount };
}

/**
 * The Bluezone scheme: one 12-byte ID per slot, matched only inside its own slot, whose end is inclusive
 * as in the Bluezone app's `checkContactF` (a record at the next slot's first instant still matches).
 */
export const bluezoneScheme: IdScheme<BluezoneDiagnosisKey> = {
  name: 'bluezone',
  idBytes: BLUEZONE_ID_BYTES,
  keyWindowMs(key) {
    const { slotMs, firstSlotStartMs, slotCount } = bluezoneKeySlots(key);
    return { startMs: firstSlotStartMs, endMs: firstSlotStartMs + slotCount * slotMs + 1 };
  },
  deriveIds(crypto, key, out, fromMs = -Infinity, toMs = Infinity) {
    const { slotMs, firstSlotStartMs, slotCount } = bluezoneKeySlots(key);
    const lo = Math.max(0, Math.floor((fromMs - 1 - firstSlotStartMs) / slotMs));
    const hi = Math.min(slotCount, Math.ceil((toMs - firstSlotStartMs) / slotMs));
    out.intervalMs = slotMs;
    out.firstInterval = lo;
    out.firstWindowStartMs = firstSlotStartMs + lo * slotMs;
    // +1 ms: the slot's end instant belongs to it too (timestamps are whole ms).
    out.firstWindowEndMs = out.firstWindowStartMs + slotMs + 1;
    if (hi <= lo) {
      out.count = 0;
      return out;
    }
    out.count = hi - lo;
    out.ids = bluezoneIdsFrom(crypto, key.dailyKey, key.maxRoll, lo, out.count);
    return out;
  },
};

/** The scheme a key belongs to. */
export function idSchemeFor<K extends DiagnosisKey>(key: K): IdScheme<K> {
  return (key.scheme === 'gaen' ? gaenScheme : bluezoneScheme) as unknown as IdScheme<K>;
}
