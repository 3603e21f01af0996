import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AdvertDecodeCache,
  FakeRadio,
  FakeRadioMedium,
  Firmware,
  GAEN_PROFILE,
  BLUEZONE_PROFILE,
  MemoryStore,
  ScanAggregatePool,
  SeededRandom,
  VirtualScheduler,
  type EpisodeConfig,
  type FirmwareOptions,
} from '@proxsense/core';

const T0 = Date.UTC(2026, 0, 5, 8);

/** The firmware's shared settings object (private: its identity is what this test is about). */
const sharedOf = (fw: Firmware): unknown => (fw as unknown as { shared: unknown }).shared;

describe('firmware shared settings (one object for firmwares made with the same settings)', () => {
  it('property: two firmwares share their settings object exactly when every shared setting is the same object', () => {
    const scheduler = new VirtualScheduler(T0);
    const medium = new FakeRadioMedium(scheduler, () => -60);
    const choices = {
      profile: [GAEN_PROFILE, BLUEZONE_PROFILE],
      scheduler: [scheduler, new VirtualScheduler(T0)],
      retentionDays: [14, 7],
      episodeConfig: [undefined, { maxWindowS: 1800 }, { scanGapS: 60 }] as (
        Partial<EpisodeConfig> | undefined
      )[],
      decodeCache: [new AdvertDecodeCache(), new AdvertDecodeCache()],
      scanPool: [new ScanAggregatePool(), new ScanAggregatePool()],
    };
    const pick = fc.record({
      profile: fc.nat({ max: 1 }),
      scheduler: fc.nat({ max: 1 }),
      retentionDays: fc.nat({ max: 1 }),
      episodeConfig: fc.nat({ max: 2 }),
      decodeCache: fc.nat({ max: 1 }),
      scanPool: fc.nat({ max: 1 }),
    });
    let k = 0;
    const make = (p: Record<keyof typeof choices, number>) => {
      const options: FirmwareOptions = {
        radio: new FakeRadio(`p${k}`, medium),
        random: new SeededRandom(k++),
        store: new MemoryStore(),
        profile: choices.profile[p.profile]!,
        scheduler: choices.scheduler[p.scheduler]!,
        retentionDays: choices.retentionDays[p.retentionDays]!,
        episodeConfig: choices.episodeConfig[p.episodeConfig],
        decodeCache: choices.decodeCache[p.decodeCache]!,
        scanPool: choices.scanPool[p.scanPool]!,
      };
      return new Firmware(options);
    };
    fc.assert(
      fc.property(fc.array(pick, { minLength: 2, maxLength: 12 }), (picks) => {
        const made = picks.map((p) => ({ p, fw: make(p) }));
        for (const x of made)
          for (const y of made) {
            const same = (Object.keys(choices) as (keyof typeof choices)[]).every(
              (f) => x.p[f] === y.p[f],
            );
            expect(sharedOf(x.fw) === sharedOf(y.fw)).toBe(same);
          }
      }),
      { numRuns: 100 },
    );
  });

  it('gives a firmware without a decode cache or scan pool of the caller’s its own', () => {
    const scheduler = new VirtualScheduler(T0);
    const medium = new FakeRadioMedium(scheduler, () => -60);
    const make = (name: string) =>
      new Firmware({
        profile: GAEN_PROFILE,
        radio: new FakeRadio(name, medium),
        scheduler,
        random: new SeededRandom(1),
        store: new MemoryStore(),
      });
    expect(sharedOf(make('a'))).not.toBe(sharedOf(make('b')));
  });
});
