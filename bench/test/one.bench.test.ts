import { describe, expect, it } from 'vitest';
import { runOneBench, theOneSettings } from '../one.js';

// Not a timed test: it checks the side-by-side benchmark runs end to end on a tiny size.
describe('The ONE side-by-side benchmark (smoke, tiny sizes)', () => {
  it('runs with radios and range-only on the same walks and finds the same links', () => {
    const points = runOneBench({ phones: 40, durationS: 300, side: 100, quiet: 1 });
    expect(points.map((p) => p.mode)).toEqual(['radios', 'range-only']);
    const [radios, rangeOnly] = points;
    expect(radios!.advertsSampled).toBeGreaterThan(0);
    expect(rangeOnly!.advertsSampled).toBe(0);
    expect(radios!.linkUps).toBeGreaterThan(0);
    expect({ ...rangeOnly!, wallS: 0, cpuS: 0, mode: '', advertsSampled: 0 }).toMatchObject({
      linkUps: radios!.linkUps,
      pairs: radios!.pairs,
      contactS: radios!.contactS,
      logLines: radios!.logLines,
    });
    // No The ONE figure exists for this size: no ratio is made up.
    expect(Number.isNaN(radios!.ratio[0])).toBe(true);
    expect(rangeOnly!.wallS).toBeGreaterThan(0);
  });

  it('writes The ONE settings for the same scenario', () => {
    const text = theOneSettings({
      phones: 1000,
      sideM: 316,
      durationS: 3600,
      rangeM: 10,
      reportDir: '/tmp/r/',
    });
    for (const line of [
      'Group.movementModel = RandomWaypoint',
      'Group.speed = 0.5, 1.5',
      'Group.waitTime = 0, 120',
      'Scenario.updateInterval = 1',
      'Scenario.endTime = 3600',
      'radio.transmitRange = 10',
      'MovementModel.worldSize = 316, 316',
      'Report.report1 = ConnectivityONEReport',
      'Group.nrofHosts = 1000',
    ]) {
      expect(text.split('\n')).toContain(line);
    }
  });
});
