/**
 * Held-out accuracy targets of issue 9 on real phone data (../shared/data, read, never copied):
 * 5-fold cross-validation by series on rss_smartphone. A regression of the fit, the series
 * estimators or the calibration of p_close fails here. Calibration is judged on ten equal-count bins
 * of predicted p_close (every bin holds a tenth of the rows, so a bin is not decided by the few rows of
 * one odd series) and by ECE over them; the fixed deciles [0, 0.1) … are printed by
 * `calibrate evaluate` too. Herald figures (minutes to compute) are in the README's "Accuracy" section.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { crossValidate, parseCsv, readRowReadings, type EvaluationReading } from '@proxsense/core';

const DATA = fileURLToPath(
  new URL('../../../../shared/data/rss-smartphone-train.csv', import.meta.url),
);

function readings(): EvaluationReading[] {
  let text: string;
  try {
    text = readFileSync(DATA, 'utf8');
  } catch {
    throw new Error(
      `${DATA} is missing: it comes from ../shared/data (github.com/pc-ng/rss_smartphone, see its README)`,
    );
  }
  return readRowReadings(parseCsv(text, DATA), DATA, {
    requireDistance: true,
  }) as EvaluationReading[];
}

describe('held-out accuracy on rss_smartphone (by series, never by row)', () => {
  const rows = readings();

  it('with position and model: filtered balanced accuracy ≥ 0.75 for "≤ 2 m", coverage within 5 points of 80 %, p_close within 0.1 per decile', () => {
    const cv = crossValidate(rows, {
      folds: 5,
      columns: ['position', 'model'],
      closeM: 2,
      candidates: [{ kind: 'window', windowS: 60 }],
    });
    const r = cv.results[0]!;
    expect(r.filtered!.balancedAccuracy).toBeGreaterThanOrEqual(0.75);
    expect(r.filtered!.balancedAccuracy).toBeGreaterThan(r.threshold.balancedAccuracy);
    expect(Math.abs(r.filtered!.intervalCoverage - 0.8)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(r.perRow.intervalCoverage - 0.8)).toBeLessThanOrEqual(0.05);
    expect(r.pClose!.equalCountMaxGap).toBeLessThanOrEqual(0.1);
    expect(r.pClose!.ece).toBeLessThanOrEqual(0.05);
  });

  it('without context: filtered ≥ the best RSSI threshold tuned on the same rows; p_close within 0.1 per decile', () => {
    const cv = crossValidate(rows, {
      folds: 5,
      columns: [],
      closeM: 2,
      candidates: [{ kind: 'kalman' }],
    });
    const r = cv.results[0]!;
    expect(r.filtered!.balancedAccuracy).toBeGreaterThanOrEqual(r.threshold.balancedAccuracy);
    expect(Math.abs(r.filtered!.intervalCoverage - 0.8)).toBeLessThanOrEqual(0.05);
    expect(r.pClose!.maxDecileGap).toBeLessThanOrEqual(0.1);
    expect(r.pClose!.ece).toBeLessThanOrEqual(0.06);
  });
});
