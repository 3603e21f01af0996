import { describe, expect, it } from 'vitest';
import {
  bluezoneRisk,
  CWA_DEFAULT_PARAMETERS,
  cwaRisk,
  parseCwaParametersJson,
  parseWindowsJson,
  RiskInputError,
  type RiskWindow,
} from '@proxsense/core';

// Published CWA risk calculation test cases: corona-warn-app/cwa-app-android
// Corona-Warn-App/src/test/resources/exposure-windows-risk-calculation.json (its defaultRiskCalculationConfiguration
// is CWA_DEFAULT_PARAMETERS). Each case as [description, windows as (ageInDays, reportType, infectiousness,
// calibrationConfidence, [minAttenuation, typicalAttenuation, secondsSinceLastScan][]), expected].
type Case = [
  string,
  [number, number, number, number, [number, number, number][]][],
  [number, number | null, number | null, number, number, number, number],
];
const si = (min: number, s: number): [number, number, number] => [min, 25, s];
const CASES: Case[] = [
  [
    'keep Exposure Windows (< 10 minutes)',
    [[1, 2, 2, 0, [si(30, 300), si(30, 299)]]],
    [2, null, 1, 0, 1, 0, 1],
  ],
  [
    'keep Exposure Windows (>= 10 minutes)',
    [[1, 2, 2, 0, [si(30, 300), si(30, 300)]]],
    [2, null, 1, 0, 1, 0, 1],
  ],
  ['keep Exposure Windows (>= 73 dB)', [[1, 2, 2, 0, [si(73, 3000)]]], [1, 1, null, 1, 0, 1, 0]],
  [
    'keep Exposure Windows (< 73 dB)',
    [[1, 2, 2, 0, [si(72, 300), si(72, 300)]]],
    [2, null, 1, 0, 1, 0, 1],
  ],
  [
    'filter out Exposure Windows with TRL <= 2',
    [[1, 4, 2, 0, [si(30, 300), si(30, 300)]]],
    [1, null, null, 0, 0, 0, 0],
  ],
  [
    'keep Exposure Windows with TRL > 2',
    [[1, 3, 1, 0, [si(30, 300), si(30, 300), si(30, 300)]]],
    [1, 1, null, 1, 0, 1, 0],
  ],
  [
    'identify Exposure Window as no risk based on normalizedTime (< 5)',
    [[1, 2, 1, 0, [si(65, 299)]]],
    [1, null, null, 0, 0, 0, 0],
  ],
  [
    'identify Exposure Window as Low Risk based on normalizedTime (>= 5)',
    [[1, 2, 1, 0, [si(65, 300)]]],
    [1, 1, null, 1, 0, 1, 0],
  ],
  [
    'identify Exposure Window as Low Risk based on normalizedTime (< 9)',
    [[1, 2, 1, 0, [si(65, 539)]]],
    [1, 1, null, 1, 0, 1, 0],
  ],
  [
    'identify Exposure Window as High Risk based on normalizedTime (>= 15)',
    [[1, 2, 1, 0, [si(65, 540)]]],
    [2, null, 1, 0, 1, 0, 1],
  ],
  [
    'ignore Exposure Windows with no Risk Level',
    [
      [2, 2, 1, 0, [si(65, 299)]],
      [3, 2, 1, 0, [si(65, 300)]],
    ],
    [1, 3, null, 1, 0, 1, 0],
  ],
  [
    'identify the most recent date with Low Risk',
    [
      [3, 2, 1, 0, [si(65, 300)]],
      [2, 2, 1, 0, [si(65, 300)]],
      [4, 2, 1, 0, [si(65, 300)]],
    ],
    [1, 2, null, 3, 0, 3, 0],
  ],
  [
    'count Exposure Windows with same Date/TRL/CallibrationConfidence only once towards distinct encounters with Low Risk',
    [
      [1, 2, 1, 0, [si(65, 300)]],
      [1, 2, 1, 0, [si(65, 300)]],
    ],
    [2, null, 1, 0, 1, 1, 0],
  ],
  [
    'count Exposure Windows with same Date/TRL but different CallibrationConfidence separately towards distinct encounters with Low Risk',
    [
      [1, 2, 1, 0, [si(65, 300)]],
      [1, 2, 1, 1, [si(65, 300)]],
    ],
    [2, null, 1, 0, 1, 2, 0],
  ],
];

const TODAY = Date.UTC(2021, 0, 20);

describe('CWA risk calculation (published test cases, cwa-app-android exposure-windows-risk-calculation.json)', () => {
  it.each(CASES)('%s', (_description, raw, expected) => {
    const windows: RiskWindow[] = raw.map(
      ([age, reportType, infectiousness, calibrationConfidence, scans]) => ({
        dateMillisSinceEpoch: TODAY - age * 86_400_000,
        reportType,
        infectiousness,
        calibrationConfidence,
        scanInstances: scans.map(
          ([minAttenuationDb, typicalAttenuationDb, secondsSinceLastScan]) => ({
            minAttenuationDb,
            typicalAttenuationDb,
            secondsSinceLastScan,
          }),
        ),
      }),
    );
    const r = cwaRisk(windows, CWA_DEFAULT_PARAMETERS, TODAY + 3_600_000);
    expect([
      r.totalRiskLevel,
      r.ageOfMostRecentDateWithLowRisk,
      r.ageOfMostRecentDateWithHighRisk,
      r.numberOfDaysWithLowRisk,
      r.numberOfDaysWithHighRisk,
      r.totalMinimumDistinctEncountersWithLowRisk,
      r.totalMinimumDistinctEncountersWithHighRisk,
    ]).toEqual(expected);
  });

  it('applies filters from a parameter object and names bad fields', () => {
    const params = parseCwaParametersJson(
      JSON.stringify({ trlFilters: [{ dropIfTrlInRange: { min: 1, max: 2 } }] }),
      'p.json',
    );
    const w: RiskWindow = {
      dateMillisSinceEpoch: TODAY,
      reportType: 4,
      infectiousness: 2,
      calibrationConfidence: 0,
      scanInstances: [
        { minAttenuationDb: 30, typicalAttenuationDb: 30, secondsSinceLastScan: 600 },
      ],
    };
    expect(cwaRisk([w], params, TODAY).windows[0]).toMatchObject({
      dropped: 'trlFilter',
      transmissionRiskLevel: 2,
    });
    expect(() =>
      parseCwaParametersJson('{"trlFilters": [{"dropIfTrlInRange": {"min": 1}}]}', 'p.json'),
    ).toThrow(/^p\.json: trlFilters\[0\]\.dropIfTrlInRange: expected a range/);
    expect(() => parseCwaParametersJson('{"trlFilter": []}', 'p.json')).toThrow(
      /unknown setting "trlFilter"/,
    );
  });
});

describe('Bluezone rule and windows files', () => {
  const w = (contact: string, maxRssiDbm: number): RiskWindow => ({
    dateMillisSinceEpoch: TODAY,
    reportType: 1,
    infectiousness: 1,
    calibrationConfidence: 0,
    contact,
    scanInstances: [
      { minAttenuationDb: 40, typicalAttenuationDb: 40, secondsSinceLastScan: 60, maxRssiDbm },
    ],
  });
  it("is close on any record strictly stronger than the peer's platform-pair threshold", () => {
    const r = bluezoneRisk([w('a', -68), w('b', -69)], { bluezonePlatformPair: 'android->ios' });
    expect(r.contacts.map((c) => [c.contact, c.closeContact])).toEqual([
      ['a', true],
      ['b', false],
    ]);
    expect(
      bluezoneRisk([w('b', -69)], {
        bluezonePlatformPair: 'android->ios',
        bluezonePlatformPairByContact: { b: 'generic' },
      }).closeContact,
    ).toBe(true);
  });
  it('reads windows and names the bad field', () => {
    expect(() =>
      parseWindowsJson(
        '{"windows": [{"dateMillisSinceEpoch": 1595203200000, "reportType": 9, "infectiousness": 1, "scanInstances": []}]}',
        'w.json',
      ),
    ).toThrow(/^w\.json: windows\[0\]\.reportType: expected an integer 0\.\.5, got 9$/);
    expect(() => parseWindowsJson('[1]', 'w.json')).toThrow(RiskInputError);
    expect(() =>
      parseWindowsJson(
        '[{"dateMillisSinceEpoch": 1e16, "reportType": 1, "infectiousness": 1, "scanInstances": []}]',
        'w.json',
      ),
    ).toThrow(
      /^w\.json: \[0\]\.dateMillisSinceEpoch: expected a time in ms since the Unix epoch within 2020-01-01/,
    );
    expect(() =>
      parseWindowsJson(
        '[{"dateMillisSinceEpoch": 1595203200, "reportType": 1, "infectiousness": 1, "scanInstances": []}]',
        'w.json',
      ),
    ).toThrow(/looks like seconds/);
  });
});
