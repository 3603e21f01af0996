import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { mixSeed, RunStreams, STREAM_PURPOSES } from '../src/random/streams.js';

describe('random streams', () => {
  it('step exactly as pure-rand’s xoroshiro128+ jumped once per stream, across state blocks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.constantFrom(...STREAM_PURPOSES),
        // Past the first block of 1024 streams, so a stream of a second block is checked too.
        fc.integer({ min: 0, max: 1100 }),
        fc.integer({ min: 1, max: 40 }),
        (seed, purpose, index, draws) => {
          const family = new RunStreams(seed).family(purpose);
          const reference = xoroshiro128plus(
            mixSeed(seed, STREAM_PURPOSES.indexOf(purpose) + 1) | 0,
          );
          // Every stream before `index` is drawn from too: streams of one block must not share state.
          const streams = Array.from({ length: index + 1 }, () => family.next());
          for (const s of streams.slice(0, index)) s.nextUint32();
          for (let k = 0; k < index; k++) reference.jump();
          const stream = streams[index]!;
          for (let d = 0; d < draws; d++) expect(stream.nextUint32()).toBe(reference.next() >>> 0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keep each stream’s spare Gaussian its own', () => {
    const family = new RunStreams(7).family('mobility');
    const [a, b] = [family.next(), family.next()];
    const alone = new RunStreams(7).family('mobility');
    const [a2, b2] = [alone.next(), alone.next()];
    // Interleaving draws of two streams gives each the values it gives alone.
    const first = [a.nextGaussian(), b.nextGaussian(), a.nextGaussian(), b.nextGaussian()];
    const soloA = [a2.nextGaussian(), a2.nextGaussian()];
    const soloB = [b2.nextGaussian(), b2.nextGaussian()];
    expect([first[0], first[2]]).toEqual(soloA);
    expect([first[1], first[3]]).toEqual(soloB);
  });
});
