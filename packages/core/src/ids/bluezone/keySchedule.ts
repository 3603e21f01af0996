/**
 * Bluezone rolling IDs, as the Vietnamese Bluezone app computes them (BluezoneGlobal/react-native-bluetooth-scan,
 * `BluezoneIdGenerator`): a 32-byte daily key chained by SHA-256 from day to day, a sub-key chain per
 * day seeded with the ASCII salt "bluzonesubkey" (sic), and a 12-byte ID picked from each sub-key.
 * @module
 */
import { assertBytes, concatBytes, utf8 } from '../../bytes/index.js';
import type { CryptoProvider } from '../../crypto/provider.js';
import { InputError } from '../../errors.js';

/** Bytes of a Bluezone daily key. */
export const BLUEZONE_DAILY_KEY_BYTES = 32;
/** Bytes of a Bluezone rolling ID. */
export const BLUEZONE_ID_BYTES = 12;
/** IDs per day in the app from July 2020 (15-minute slots); builds before used 144 (10 minutes). */
export const BLUEZONE_DEFAULT_IDS_PER_DAY = 96;
/** Milliseconds in the app's day (`BluezoneIdConstants.DAY_MILLISECONDS`). */
export const BLUEZONE_DAY_MS = 86_400_000;
const SUB_KEY_SALT = /* @__PURE__ */ utf8('bluzonesubkey');
// Byte offsets of the ID inside a 32-byte sub-key: 4 bytes at stride 4, then 8 bytes at stride 2.
const ID_OFFSETS = [0, 4, 8, 12, 16, 18, 20, 22, 24, 26, 28, 30] as const;

/** dailyKey(d + 1) = SHA-256(dailyKey(d)). */
export function bluezoneNextDailyKey(crypto: CryptoProvider, dailyKey: Uint8Array): Uint8Array {
  assertBytes(dailyKey, 'dailyKey', BLUEZONE_DAILY_KEY_BYTES);
  return crypto.sha256(dailyKey);
}

/** The daily key `days` days after `dailyKey` (0 returns a copy). */
export function bluezoneDailyKeyAfter(
  crypto: CryptoProvider,
  dailyKey: Uint8Array,
  days: number,
): Uint8Array {
  if (!Number.isInteger(days) || days < 0)
    throw new InputError('days', 'a non-negative integer', String(days));
  let key: Uint8Array = dailyKey.slice();
  for (let d = 0; d < days; d++) key = bluezoneNextDailyKey(crypto, key);
  return key;
}

/** subKey(0) = SHA-256(dailyKey ‖ "bluzonesubkey"). */
export function bluezoneFirstSubKey(crypto: CryptoProvider, dailyKey: Uint8Array): Uint8Array {
  assertBytes(dailyKey, 'dailyKey', BLUEZONE_DAILY_KEY_BYTES);
  return crypto.sha256(concatBytes(dailyKey, SUB_KEY_SALT));
}

/** Picks the 12 ID bytes out of a 32-byte sub-key into `out` at `offset`. */
export function bluezoneIdFromSubKey(
  subKey: Uint8Array,
  out = new Uint8Array(BLUEZONE_ID_BYTES),
  offset = 0,
): Uint8Array {
  for (let i = 0; i < BLUEZONE_ID_BYTES; i++) out[offset + i] = subKey[ID_OFFSETS[i]!]!;
  return out;
}

/**
 * The first `count` IDs of one day's chain, concatenated (12 bytes each): id(i) from subKey(i),
 * subKey(i + 1) = SHA-256(subKey(i)).
 */
export function bluezoneDailyIds(
  crypto: CryptoProvider,
  dailyKey: Uint8Array,
  count: number,
): Uint8Array {
  if (!Number.isInteger(count) || count < 0)
    throw new InputError('count', 'a non-negative integer', String(count));
  const out = new Uint8Array(count * BLUEZONE_ID_BYTES);
  let subKey = bluezoneFirstSubKey(crypto, dailyKey);
  for (let i = 0; i < count; i++) {
    bluezoneIdFromSubKey(subKey, out, i * BLUEZONE_ID_BYTES);
    if (i + 1 < count) subKey = crypto.sha256(subKey);
  }
  return out;
}

/** Length of one ID slot in ms for `idsPerDay` slots (the app's `DAY_MILLISECONDS / max`). */
export function bluezoneSlotMs(idsPerDay: number): number {
  assertIdsPerDay(idsPerDay);
  return Math.floor(BLUEZONE_DAY_MS / idsPerDay);
}

/** Throws unless `idsPerDay` is a usable slot count (1..1440). */
export function assertIdsPerDay(idsPerDay: number, field = 'idsPerDay'): void {
  if (!Number.isInteger(idsPerDay) || idsPerDay < 1 || idsPerDay > 1440)
    throw new InputError(
      field,
      'an integer 1..1440 (96 since July 2020, 144 before)',
      String(idsPerDay),
    );
}

/**
 * IDs of `count` consecutive slots starting at slot `firstSlot` of the day of `dailyKey`, concatenated;
 * slots past the end of the day continue on the next day's key, as the app's `checkContactF` walks them.
 */
export function bluezoneIdsFrom(
  crypto: CryptoProvider,
  dailyKey: Uint8Array,
  idsPerDay: number,
  firstSlot: number,
  count: number,
  out = new Uint8Array(count * BLUEZONE_ID_BYTES),
): Uint8Array {
  assertBytes(dailyKey, 'dailyKey', BLUEZONE_DAILY_KEY_BYTES);
  assertIdsPerDay(idsPerDay);
  if (!Number.isInteger(firstSlot) || firstSlot < 0)
    throw new InputError('firstSlot', 'a non-negative integer', String(firstSlot));
  if (!Number.isInteger(count) || count < 0)
    throw new InputError('count', 'a non-negative integer', String(count));
  let dayKey = bluezoneDailyKeyAfter(crypto, dailyKey, Math.floor(firstSlot / idsPerDay));
  let slotInDay = firstSlot % idsPerDay;
  let subKey = bluezoneFirstSubKey(crypto, dayKey);
  for (let s = 0; s < slotInDay; s++) subKey = crypto.sha256(subKey);
  for (let i = 0; i < count; i++) {
    bluezoneIdFromSubKey(subKey, out, i * BLUEZONE_ID_BYTES);
    if (i + 1 === count) break;
    slotInDay++;
    if (slotInDay === idsPerDay) {
      dayKey = bluezoneNextDailyKey(crypto, dayKey);
      subKey = bluezoneFirstSubKey(crypto, dayKey);
      slotInDay = 0;
    } else {
      subKey = crypto.sha256(subKey);
    }
  }
  return out;
}

/** Bytes a {@link BluezoneIdChain} keeps in its storage: the daily key and the current sub-key. */
export const BLUEZONE_CHAIN_STORAGE_BYTES = 64;

/**
 * One phone's walk along its Bluezone ID chain: the ID of the slot after the last one asked for costs
 * one SHA-256, where {@link bluezoneIdsFrom} walks the day's chain from its first sub-key every time (96
 * hashes at the day's last slot). A slot earlier than the last, or on another day, starts again from
 * that day's first sub-key. Same IDs as {@link bluezoneIdsFrom} for every slot.
 *
 * @example
 * ```ts
 * const chain = new BluezoneIdChain(pureCryptoProvider, dailyKey, 96);
 * const id = chain.idAt(40); // slot 40 of the key's day: 41 hashes; idAt(41) then costs one
 * ```
 */
export class BluezoneIdChain {
  // The daily key (bytes 0–31 from `at`) and the sub-key of `slot` (32–63) in a buffer the caller may
  // share: a crowd keeps a chain a phone, and a view of their own would cost each ~90 bytes besides.
  private readonly keys: Uint8Array;
  private readonly at: number;
  // Absolute slot (counted from the first slot of the daily key's day) whose sub-key `keys` holds; −1: none.
  private slot = -1;

  /**
   * @param storage where the chain keeps its two keys: 64 bytes from `storageOffset` (a host keeping many
   *   chains can pass one shared buffer and a different offset for each). The daily key is copied into it.
   */
  constructor(
    private readonly crypto: CryptoProvider,
    dailyKey: Uint8Array,
    private readonly idsPerDay: number,
    storage: Uint8Array = new Uint8Array(BLUEZONE_CHAIN_STORAGE_BYTES),
    storageOffset = 0,
  ) {
    assertBytes(dailyKey, 'dailyKey', BLUEZONE_DAILY_KEY_BYTES);
    assertIdsPerDay(idsPerDay);
    assertBytes(storage, 'storage');
    if (
      !Number.isInteger(storageOffset) ||
      storageOffset < 0 ||
      storageOffset + BLUEZONE_CHAIN_STORAGE_BYTES > storage.length
    )
      throw new InputError(
        'storage',
        `${BLUEZONE_CHAIN_STORAGE_BYTES} bytes from storageOffset`,
        `${storage.length} bytes, storageOffset ${storageOffset}`,
      );
    storage.set(dailyKey, storageOffset);
    this.keys = storage;
    this.at = storageOffset;
  }

  /** The chain's daily key (a view of its storage: copy it to keep it past the chain). */
  get dailyKey(): Uint8Array {
    return this.keys.subarray(this.at, this.at + BLUEZONE_DAILY_KEY_BYTES);
  }

  /** The ID of absolute slot `slot` (slots past the key's day continue on the next days' keys). */
  idAt(slot: number, out = new Uint8Array(BLUEZONE_ID_BYTES), offset = 0): Uint8Array {
    if (!Number.isInteger(slot) || slot < 0)
      throw new InputError('slot', 'a non-negative integer', String(slot));
    const day = Math.floor(slot / this.idsPerDay);
    const subKeyAt = this.at + BLUEZONE_DAILY_KEY_BYTES;
    const subKey = this.keys.subarray(subKeyAt, subKeyAt + BLUEZONE_DAILY_KEY_BYTES);
    if (this.slot < 0 || slot < this.slot || Math.floor(this.slot / this.idsPerDay) !== day) {
      const dayKey = bluezoneDailyKeyAfter(this.crypto, this.dailyKey, day);
      subKey.set(bluezoneFirstSubKey(this.crypto, dayKey));
      this.slot = day * this.idsPerDay;
    }
    for (; this.slot < slot; this.slot++) subKey.set(this.crypto.sha256(subKey));
    return bluezoneIdFromSubKey(subKey, out, offset);
  }
}
