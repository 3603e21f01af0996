/**
 * Seeded random streams for the simulator. Every phone gets its own stream per purpose (population,
 * mobility, channel, firmware), each a xoroshiro128+ generator from pure-rand advanced by `jump()`
 * (2^64 draws apart), so adding a phone or changing one model leaves every other stream untouched.
 * @module
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { Random } from '@proxsense/core';

/** What a stream is for; each purpose has its own base generator so purposes never share draws. */
export const STREAM_PURPOSES = [
  'population',
  'mobility',
  'channel',
  'firmware',
  'world',
  'tracing',
] as const;
export type StreamPurpose = (typeof STREAM_PURPOSES)[number];

type Generator = ReturnType<typeof xoroshiro128plus>;

/** Streams whose state one block of a family holds (see {@link StreamFamily}). */
const STREAMS_PER_BLOCK = 1024;

/**
 * One independent stream of uniform, normal and byte draws; also the firmware's Random port. Its
 * xoroshiro128+ state is 4 words at `at` of a block its family shares, and its spare Gaussian is at
 * `at / 4` of another: a district holds several streams a person, and a generator object and a boxed
 * spare each made a stream 112 bytes instead of 44. The generator steps exactly as pure-rand's.
 */
export class RandomStream implements Random {
  constructor(
    private readonly state: Int32Array,
    private readonly spare: Float64Array,
    private readonly at: number,
  ) {}

  /** The generator's next 32-bit output, signed (pure-rand's `next()`). */
  private next(): number {
    const st = this.state;
    const at = this.at;
    const s01 = st[at]!;
    const s00 = st[at + 1]!;
    const s11 = st[at + 2]!;
    const s10 = st[at + 3]!;
    const out = (s00 + s10) | 0;
    const a0 = s10 ^ s00;
    const a1 = s11 ^ s01;
    st[at + 1] = (s00 << 24) ^ (s01 >>> 8) ^ a0 ^ (a0 << 16);
    st[at] = (s01 << 24) ^ (s00 >>> 8) ^ a1 ^ ((a1 << 16) | (a0 >>> 16));
    st[at + 3] = (a1 << 5) ^ (a0 >>> 27);
    st[at + 2] = (a0 << 5) ^ (a1 >>> 27);
    return out;
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    return this.next() >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.next() >>> 5;
    const lo = this.next() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.nextFloat();
  }

  /** Uniform in a scenario's [low, high] range. */
  between(range: readonly [number, number]): number {
    return this.uniform(range[0], range[1]);
  }

  /** Uniform integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.nextFloat() < p;
  }

  /** Standard normal (Marsaglia's polar method; the second variate is kept for the next call). */
  nextGaussian(): number {
    const spareAt = this.at >> 2;
    if (!Number.isNaN(this.spare[spareAt]!)) {
      const g = this.spare[spareAt]!;
      this.spare[spareAt] = NaN;
      return g;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.nextFloat() - 1;
      v = 2 * this.nextFloat() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare[spareAt] = v * f;
    return u * f;
  }

  /** Index drawn with probability proportional to `weights`. */
  pick(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.nextFloat() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  randomBytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 4) {
      const word = this.next();
      for (let j = 0; j < 4 && i + j < length; j++) out[i + j] = (word >>> (8 * j)) & 0xff;
    }
    return out;
  }
}

/** 32-bit mix of a seed and a label (MurmurHash3's finaliser), so purposes get unrelated base seeds. */
export function mixSeed(seed: number, salt: number): number {
  let h = (seed ^ Math.imul(salt + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Streams for one purpose: `next()` hands out stream 0, 1, 2, … in order (each a `jump()` further), so
 * phone k always gets stream k whatever else the run does. Their states sit in blocks of
 * {@link STREAMS_PER_BLOCK}.
 */
export class StreamFamily {
  private readonly cursor: Generator;
  private state = new Int32Array(0);
  private spare = new Float64Array(0);
  private used = STREAMS_PER_BLOCK;
  constructor(seed: number, purpose: StreamPurpose) {
    this.cursor = xoroshiro128plus(mixSeed(seed, STREAM_PURPOSES.indexOf(purpose) + 1) | 0);
  }
  next(): RandomStream {
    if (this.used === STREAMS_PER_BLOCK) {
      this.state = new Int32Array(4 * STREAMS_PER_BLOCK);
      this.spare = new Float64Array(STREAMS_PER_BLOCK).fill(NaN);
      this.used = 0;
    }
    const at = 4 * this.used++;
    this.state.set(this.cursor.getState(), at);
    this.cursor.jump();
    return new RandomStream(this.state, this.spare, at);
  }
}

/** Streams of a run: one family per purpose. */
export class RunStreams {
  private readonly families = new Map<StreamPurpose, StreamFamily>();
  constructor(readonly seed: number) {}
  family(purpose: StreamPurpose): StreamFamily {
    let f = this.families.get(purpose);
    if (!f) this.families.set(purpose, (f = new StreamFamily(this.seed, purpose)));
    return f;
  }
  /** A single stream for world-level draws of one purpose (the first of its family). */
  single(purpose: StreamPurpose): RandomStream {
    return new StreamFamily(this.seed, purpose).next();
  }
}
