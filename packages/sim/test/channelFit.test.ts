import { dirname } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitChannel, type ChannelFit, type Estimate } from '../scripts/fit-channel.js';
import { FITTED_CHANNEL } from '../src/channel/fitted.js';
import { sharedPath } from '../../core/test/sharedData.js';

// Tests run from the repo root; the shared data sits beside it and is never copied into the repo.
const sharedDir = dirname(sharedPath('data'));

/** Constants are rounded to 0.1 dB, so allow that much outside the bootstrap 95 % interval. */
const ROUNDING = 0.05 + 1e-9;
function expectWithin(value: number, e: Estimate, slack = ROUNDING): void {
  expect(value).toBeGreaterThanOrEqual(e.lo - slack);
  expect(value).toBeLessThanOrEqual(e.hi + slack);
}

describe('FITTED_CHANNEL matches the fit to rss_smartphone and Herald', () => {
  let fit: ChannelFit;
  beforeAll(async () => {
    // The full fit (2.2 M Herald rows, 400 bootstrap draws) takes ~5 s; no subsampling needed.
    fit = await fitChannel(sharedDir);
  }, 60_000);

  it('log-distance terms lie in the joint fit interval', () => {
    expectWithin(FITTED_CHANNEL.rssiAt1mDbm, fit.smartphone.joint.rssiAt1mDbm);
    expectWithin(FITTED_CHANNEL.pathLossExponent, fit.smartphone.joint.pathLossExponent);
    // Independent check: line-of-sight Herald agrees with the body-worn joint fit.
    expectWithin(FITTED_CHANNEL.rssiAt1mDbm, fit.herald.rssiAt1mDbm, 0.5);
    expectWithin(FITTED_CHANNEL.pathLossExponent, fit.herald.pathLossExponent, 0.05);
  });

  it('carry losses lie in their intervals and bag is between pocket and backpack', () => {
    const { pocket, bag, backpack, hand } = FITTED_CHANNEL.carryLossDb;
    expect(hand).toBe(0);
    expectWithin(pocket, fit.smartphone.joint.carryLossPocketDb);
    expectWithin(backpack, fit.smartphone.joint.carryLossBackpackDb);
    expect(bag).toBeGreaterThanOrEqual(Math.min(pocket, backpack) - ROUNDING);
    expect(bag).toBeLessThanOrEqual(Math.max(pocket, backpack) + ROUNDING);
  });

  it('what the data shows about carry positions: both lose several dB, and pocket ≈ backpack', () => {
    const p = fit.smartphone.joint.carryLossPocketDb;
    const b = fit.smartphone.joint.carryLossBackpackDb;
    expect(p.lo).toBeGreaterThan(3);
    expect(b.lo).toBeGreaterThan(3);
    // Not "backpack ≥ pocket": the two agree within about 1 SE, so assert only that they are close.
    expect(Math.abs(p.value - b.value)).toBeLessThan(2 * Math.hypot(p.se, b.se));
    // The additive model explains the six pair losses to within a couple of dB.
    expect(fit.smartphone.joint.additiveMisfitDb).toBeLessThan(3);
  });

  it('shadowing, fading and device spreads lie in their intervals', () => {
    expectWithin(FITTED_CHANNEL.shadowingSigmaDb, fit.smartphone.betweenSeriesSigmaDb);
    expectWithin(FITTED_CHANNEL.fastFadingSigmaDb, fit.smartphone.withinSeriesSigmaDb);
    expectWithin(FITTED_CHANNEL.deviceOffsetSigmaDb, fit.herald.deviceOffsetSigmaDb);
    expect(FITTED_CHANNEL.sensitivityDbm).toBe(fit.sensitivityDbm);
    // Total residual spread of the model ≈ what the fitted components add up to.
    const totalDb = Math.hypot(FITTED_CHANNEL.shadowingSigmaDb, FITTED_CHANNEL.fastFadingSigmaDb);
    expect(Math.abs(totalDb - fit.smartphone.residualTotal.sdDb)).toBeLessThan(0.6);
  });

  it('chosen correlation time respects the bound the data gives', () => {
    // The persistent part does not decorrelate within a series: τ at least the typical span, and well above
    // the ~2 s of the within-series wiggle.
    expect(FITTED_CHANNEL.shadowingCorrelationS).toBeGreaterThanOrEqual(
      Math.floor(fit.smartphone.timeResolution.medianSpanS / 10) * 10,
    );
    expect(FITTED_CHANNEL.shadowingCorrelationS).toBeGreaterThan(
      fit.smartphone.withinCorrelationS.hi,
    );
  });

  it('the script picks exactly the constants in fitted.ts', () => {
    expect(fit.defaults).toEqual({
      ...FITTED_CHANNEL,
      carryLossDb: { ...FITTED_CHANNEL.carryLossDb },
    });
  });

  it('carry terms explain much of the README log-distance σ ≈ 11 dB', () => {
    expect(fit.smartphone.naiveLogDistance.sigmaDb).toBeGreaterThan(10);
    expect(fit.smartphone.naiveLogDistance.sigmaDb).toBeLessThan(12);
    expect(fit.smartphone.residualTotal.sdDb).toBeLessThan(
      fit.smartphone.naiveLogDistance.sigmaDb - 3,
    );
  });
});
