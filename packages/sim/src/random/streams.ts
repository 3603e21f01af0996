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

/** One independent stream of uniform, normal and byte draws; also the firmware's Random port. */
export class RandomStream implements Random {
  private spareGaussian = NaN;
  constructor(private readonly generator: Generator) {}

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    return this.generator.next() >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.generator.next() >>> 5;
    const lo = this.generator.next() >>> 6;
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
    if (!Number.isNaN(this.spareGaussian)) {
      const g = this.spareGaussian;
      this.spareGaussian = NaN;
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
    this.spareGaussian = v * f;
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
      const word = this.generator.next();
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
 * phone k always gets stream k whatever else the run does.
 */
export class StreamFamily {
  private readonly cursor: Generator;
  constructor(seed: number, purpose: StreamPurpose) {
    this.cursor = xoroshiro128plus(mixSeed(seed, STREAM_PURPOSES.indexOf(purpose) + 1) | 0);
  }
  next(): RandomStream {
    const stream = new RandomStream(this.cursor.clone());
    this.cursor.jump();
    return stream;
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
