/**
 * The own keys of a run's phones (one TEK or daily key a day each), packed: every key's bytes in one
 * shared arena and its numbers in columns, so a stored key costs a crowd a few dozen bytes instead of an
 * object and a byte array (about 250 bytes a phone). A key given back is a new object, equal to the one
 * stored, with its fields in the order the firmware makes them. A key of another shape (extra fields
 * such as a report type, or numbers a column cannot hold exactly) is kept as given.
 * @module
 */
import {
  ownKeyEndMs,
  type BluezoneDiagnosisKey,
  type DiagnosisKey,
  type GaenDiagnosisKey,
} from '@proxsense/core';
import { ensureLength } from '../util/growable.js';

const KIND_OBJECT = 0;
const KIND_GAEN = 1;
const KIND_BLUEZONE = 2;
const GAEN_KEY_BYTES = 16;
const BLUEZONE_KEY_BYTES = 32;
const GAEN_FIELDS = ['scheme', 'keyData', 'rollingStartIntervalNumber', 'rollingPeriod'];
const BLUEZONE_FIELDS = ['scheme', 'dailyKey', 'timeDkS', 'maxRoll', 'timeTeS'];

export class OwnKeyTable {
  private count = 0;
  private bytes = new Uint8Array(1 << 12);
  private bytesLength = 0;
  private kind = new Uint8Array(256);
  private byteStart = new Uint32Array(256);
  /** Each key's holder's key before it (−1: none), so a holder keeps only its last key's index. */
  private previousKey = new Int32Array(256);
  /** GAEN: rolling start, rolling period, unused; Bluezone: timeDkS, maxRoll, timeTeS. */
  private numbers = new Float64Array(3 * 256);
  /** Keys kept as given, by index. */
  private readonly objects = new Map<number, DiagnosisKey>();

  get size(): number {
    return this.count;
  }

  /**
   * Stores a copy of `key` (its bytes copied: the caller may reuse them), linked to the holder's key
   * before it (`previous`, −1: none); returns its index.
   */
  add(key: DiagnosisKey, previous = -1): number {
    const index = this.count++;
    if (index === this.kind.length) {
      this.kind = ensureLength(this.kind, index + 1);
      this.byteStart = ensureLength(this.byteStart, index + 1);
      this.previousKey = ensureLength(this.previousKey, index + 1);
      this.numbers = ensureLength(this.numbers, 3 * (index + 1));
    }
    this.setPrevious(index, previous);
    const n = 3 * index;
    if (key.scheme === 'gaen' && packsGaen(key)) {
      this.kind[index] = KIND_GAEN;
      this.byteStart[index] = this.putBytes(key.keyData);
      this.numbers[n] = key.rollingStartIntervalNumber;
      this.numbers[n + 1] = key.rollingPeriod;
    } else if (key.scheme === 'bluezone' && packsBluezone(key)) {
      this.kind[index] = KIND_BLUEZONE;
      this.byteStart[index] = this.putBytes(key.dailyKey);
      this.numbers[n] = key.timeDkS;
      this.numbers[n + 1] = key.maxRoll;
      this.numbers[n + 2] = key.timeTeS;
    } else {
      this.kind[index] = KIND_OBJECT;
      this.objects.set(index, key);
    }
    return index;
  }

  /** The key at `index`, as a new object (bytes copied out). */
  key(index: number): DiagnosisKey {
    this.checkIndex(index);
    const kind = this.kind[index]!;
    if (kind === KIND_OBJECT) return this.objects.get(index)!;
    const n = 3 * index;
    const start = this.byteStart[index]!;
    if (kind === KIND_GAEN) {
      const key: GaenDiagnosisKey = {
        scheme: 'gaen',
        keyData: this.bytes.slice(start, start + GAEN_KEY_BYTES),
        rollingStartIntervalNumber: this.numbers[n]!,
        rollingPeriod: this.numbers[n + 1]!,
      };
      return key;
    }
    const key: BluezoneDiagnosisKey = {
      scheme: 'bluezone',
      dailyKey: this.bytes.slice(start, start + BLUEZONE_KEY_BYTES),
      timeDkS: this.numbers[n]!,
      maxRoll: this.numbers[n + 1]!,
      timeTeS: this.numbers[n + 2]!,
    };
    return key;
  }

  /** The holder's key before the one at `index` (−1: none). */
  previous(index: number): number {
    this.checkIndex(index);
    return this.previousKey[index]!;
  }

  /** Relinks the key at `index` after `previous` (−1: first of its holder's); for pruning. */
  setPrevious(index: number, previous: number): void {
    this.checkIndex(index);
    if (!(Number.isInteger(previous) && previous >= -1 && previous < index))
      throw new RangeError(
        `own key ${index}: previous key ${previous} is not an earlier key or -1`,
      );
    this.previousKey[index] = previous;
  }

  private checkIndex(index: number): void {
    if (!(Number.isInteger(index) && index >= 0 && index < this.count))
      throw new RangeError(`own key ${index} of ${this.count}`);
  }

  /** Core's `ownKeyEndMs` of the key at `index` (packed keys are not unpacked for it). */
  endMs(index: number): number {
    const kind = this.kind[index]!;
    const n = 3 * index;
    if (kind === KIND_GAEN) return (this.numbers[n]! + this.numbers[n + 1]!) * 600_000;
    if (kind === KIND_BLUEZONE) return this.numbers[n + 2]! * 1000;
    return ownKeyEndMs(this.objects.get(index)!);
  }

  private putBytes(bytes: Uint8Array): number {
    const start = this.bytesLength;
    this.bytes = ensureLength(this.bytes, start + bytes.length);
    this.bytes.set(bytes, start);
    this.bytesLength += bytes.length;
    return start;
  }
}

/** Exactly the firmware's fields, bytes of the right length (a Uint8Array), and finite numbers. */
function packsGaen(key: GaenDiagnosisKey): boolean {
  return (
    hasExactly(key, GAEN_FIELDS) &&
    key.keyData instanceof Uint8Array &&
    key.keyData.length === GAEN_KEY_BYTES &&
    Number.isFinite(key.rollingStartIntervalNumber) &&
    Number.isFinite(key.rollingPeriod)
  );
}

function packsBluezone(key: BluezoneDiagnosisKey): boolean {
  return (
    hasExactly(key, BLUEZONE_FIELDS) &&
    key.dailyKey instanceof Uint8Array &&
    key.dailyKey.length === BLUEZONE_KEY_BYTES &&
    Number.isFinite(key.timeDkS) &&
    Number.isFinite(key.maxRoll) &&
    Number.isFinite(key.timeTeS)
  );
}

/** Whether `o`'s own enumerable fields are exactly `fields`, in that order (so a copy serialises alike). */
function hasExactly(o: object, fields: readonly string[]): boolean {
  const own = Object.keys(o);
  return own.length === fields.length && own.every((f, i) => f === fields[i]);
}
