import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { renderReport, type ReportData, type Track } from '../src/report/index.js';
import { openOffline, withChromium, type OpenedPage } from './browser.js';

const BROWSER_TEST_MS = 60_000;
const CHART_IDS = [
  'chart-distance',
  'chart-threshold',
  'chart-durations',
  'chart-duration-histogram',
  'chart-map',
  'chart-tracing',
];

/** A small deterministic generator (LCG, Numerical Recipes constants) so the sample data is fixed. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const N_SIGHTINGS = 400;
const N_PAIRS = 80;

function sampleData(): ReportData {
  const rand = lcg(42);
  const trueM: number[] = [];
  const estimatedM: number[] = [];
  for (let i = 0; i < N_SIGHTINGS; i++) {
    const d = 0.3 + rand() * 9.7;
    trueM.push(d);
    // Log-normal error, about what a path-loss model with σ ≈ 6 dB and n ≈ 2 gives.
    estimatedM.push(d * Math.exp((rand() - 0.5) * 1.4));
  }
  const thresholdM: number[] = [];
  const precision: number[] = [];
  const recall: number[] = [];
  for (let x = 0.5; x <= 5; x += 0.25) {
    thresholdM.push(x);
    precision.push(Math.max(0, 0.95 - 0.1 * x));
    recall.push(Math.min(1, 0.3 + 0.2 * x));
  }
  const trueMinutes: number[] = [];
  const estimatedMinutes: number[] = [];
  for (let i = 0; i < N_PAIRS; i++) {
    const t = rand() * 45;
    trueMinutes.push(Math.round(t));
    estimatedMinutes.push(Math.max(0, Math.round(t + (rand() - 0.5) * 20)));
  }
  const tracks: Track[] = [];
  for (let p = 0; p < 12; p++) {
    const xyM: number[] = [];
    let x = 2 + rand() * 26;
    let y = 2 + rand() * 16;
    for (let k = 0; k < 60; k++) {
      if (k === 30 && p % 3 === 0) xyM.push(NaN, NaN); // away for a while
      x = Math.min(29, Math.max(1, x + (rand() - 0.5) * 2));
      y = Math.min(19, Math.max(1, y + (rand() - 0.5) * 2));
      xyM.push(x, y);
    }
    tracks.push({ person: p, app: p % 2 === 0, xyM });
  }
  return {
    title: 'Office floor, 40 people',
    subtitle: 'scenario office.yaml · seed 7 · proxsense sim 0.1.0 · 2 h simulated in 12.3 s',
    summary: [
      { label: 'People', value: '40', note: '24 with the app' },
      { label: 'Sightings stored', value: '123,456' },
      { label: 'Distance RMSE', value: '1.8 m', note: 'median estimate' },
      { label: 'Close contacts (true)', value: '57' },
    ],
    distance: { trueM, estimatedM },
    thresholdSweep: {
      thresholdM,
      precision,
      recall,
      configuredThresholdM: 2,
      bluezone: { precision: 0.61, recall: 0.74 },
    },
    durations: { trueMinutes, estimatedMinutes, thresholdMinutes: 15 },
    map: {
      widthM: 30,
      heightM: 20,
      rects: [
        { xM: 0, yM: 0, widthM: 12, heightM: 10, label: 'Open office A' },
        { xM: 12, yM: 0, widthM: 18, heightM: 10, label: 'Open office B' },
        { xM: 0, yM: 10, widthM: 10, heightM: 10, label: 'Meeting room' },
        { xM: 10, yM: 10, widthM: 20, heightM: 10, label: 'Kitchen' },
      ],
      walls: [
        { x1M: 12, y1M: 0, x2M: 12, y2M: 8, lossDb: 6 },
        { x1M: 0, y1M: 10, x2M: 8, y2M: 10, lossDb: 10 },
        { x1M: 10, y1M: 10, x2M: 10, y2M: 20, lossDb: 12 },
        { x1M: 14, y1M: 10, x2M: 30, y2M: 10, lossDb: 6 },
      ],
      tracks,
    },
    tracing: {
      f0: 4,
      trueF1: 31,
      trueF1WithApp: 19,
      notifiedF1: 22,
      notifiedTrueF1: 15,
      missedNoApp: 12,
      recall: 15 / 19,
      precision: 15 / 22,
    },
  };
}

function emptyData(): ReportData {
  return {
    title: 'Empty run',
    subtitle: 'nothing happened',
    summary: [],
    distance: { trueM: [], estimatedM: [] },
    thresholdSweep: { thresholdM: [], precision: [], recall: [], configuredThresholdM: 2 },
    durations: { trueMinutes: [], estimatedMinutes: [], thresholdMinutes: 15 },
    map: { widthM: 0, heightM: 0, rects: [], walls: [], tracks: [] },
    tracing: {
      f0: 0,
      trueF1: 0,
      trueF1WithApp: 0,
      notifiedF1: 0,
      notifiedTrueF1: 0,
      missedNoApp: 0,
      recall: NaN,
      precision: NaN,
    },
  };
}

const tempDir = mkdtempSync(join(tmpdir(), 'proxsense-report-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

/** Writes the HTML to a file and opens it offline. */
async function openReport(page: Page, html: string, name: string): Promise<OpenedPage> {
  const file = join(tempDir, name);
  writeFileSync(file, html);
  return openOffline(page, file);
}

describe('renderReport', () => {
  it(
    'opens in Chromium with every chart drawn, the summary shown, no errors and no network',
    async () => {
      const html = await renderReport(sampleData());
      await withChromium(async (browser) => {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const { errors, externalRequests } = await openReport(page, html, 'sample.html');
        expect(errors).toEqual([]);
        expect(externalRequests).toEqual([]);

        for (const id of CHART_IDS) {
          const stats = await page.$eval(`#${id}`, (el) => {
            const svg = el.querySelector('svg');
            const box = svg?.getBoundingClientRect();
            return {
              svgs: el.querySelectorAll('svg').length,
              marks:
                svg === null
                  ? 0
                  : svg.querySelectorAll('path, polyline, polygon, rect, circle').length,
              widthPx: box?.width ?? 0,
              heightPx: box?.height ?? 0,
              noData: el.querySelectorAll('.no-data').length,
            };
          });
          expect(stats, id).toMatchObject({ svgs: 1, noData: 0 });
          expect(stats.marks, id).toBeGreaterThan(10);
          expect(stats.widthPx, id).toBeGreaterThan(200);
          expect(stats.heightPx, id).toBeGreaterThan(150);
        }

        // Scatter symbols are scaled paths in the series colour (the legend icon is only translated).
        const scatterPoints = await page.$$eval(
          '#chart-distance svg path[fill="#0072b2"][transform^="matrix"]',
          (els) => els.length,
        );
        expect(scatterPoints).toBe(N_SIGHTINGS);
        const durationPoints = await page.$$eval(
          '#chart-durations svg path[fill="#0072b2"][transform^="matrix"]',
          (els) => els.length,
        );
        expect(durationPoints).toBe(N_PAIRS);
        // Map: 12 tracks (4 split by a gap), 4 walls, 4 rooms.
        const polylines = await page.$$eval('#chart-map svg polyline', (els) => els.length);
        expect(polylines).toBe(12 + 4 + 4);
        const rooms = await page.$$eval('#chart-map svg polygon', (els) => els.length);
        expect(rooms).toBe(4);
        const mapText = await page.$eval('#chart-map', (el) => el.textContent ?? '');
        for (const s of ['Kitchen', '12 dB', 'App user', 'Non-user', 'x (m)', 'y (m)'])
          expect(mapText).toContain(s);

        const rows = await page.$$eval('#summary tbody tr', (trs) =>
          trs.map((tr) => [...tr.children].map((c) => c.textContent)),
        );
        expect(rows).toEqual([
          ['People', '40', '24 with the app'],
          ['Sightings stored', '123,456', ''],
          ['Distance RMSE', '1.8 m', 'median estimate'],
          ['Close contacts (true)', '57', ''],
        ]);
        const tracingText = await page.$eval('#chart-tracing', (el) => el.textContent ?? '');
        expect(tracingText).toContain('Recall 78.9%');
        expect(tracingText).toContain('precision 68.2%');
        await page.close();
      });
    },
    BROWSER_TEST_MS,
  );

  it(
    'renders empty data as "no data" notes without errors',
    async () => {
      const html = await renderReport(emptyData());
      expect(html).not.toContain('<svg');
      await withChromium(async (browser) => {
        const page = await browser.newPage();
        const { errors, externalRequests } = await openReport(page, html, 'empty.html');
        expect(errors).toEqual([]);
        expect(externalRequests).toEqual([]);
        for (const id of CHART_IDS) {
          const text = await page.$eval(`#${id} .no-data`, (el) => el.textContent ?? '');
          expect(text, id).toMatch(/^No data: /);
        }
        expect(await page.$eval('#summary-empty', (el) => el.textContent)).toMatch(/^No data/);
        expect(await page.$eval('#chart-tracing', (el) => el.textContent)).toContain('Recall n/a');
        await page.close();
      });
    },
    BROWSER_TEST_MS,
  );

  it('is deterministic: two renders are byte-identical', async () => {
    const a = await renderReport(sampleData());
    const b = await renderReport(sampleData());
    expect(b).toBe(a);
    // zrender's process-wide id counters must not leak into the page.
    expect(a).not.toMatch(/\bzr\d+-/);
  });

  it('keeps chart ids unique within the page', async () => {
    const ids = [...(await renderReport(sampleData())).matchAll(/\bid="([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('escapes every string from the data', async () => {
    const data = sampleData();
    data.title = '<script>alert(1)</script>';
    data.subtitle = 'a & b "c"';
    data.summary = [{ label: '<img src=x onerror=alert(1)>', value: '<b>1</b>', note: "it's" }];
    const rect = data.map.rects[0];
    if (rect === undefined) throw new Error('sample has rects');
    rect.label = '<script>room</script>';
    const html = await renderReport(data);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>1');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('a &amp; b &quot;c&quot;');
    expect(html).toContain('&lt;script&gt;room&lt;/script&gt;');
  });

  it('survives non-finite, negative and mismatched inputs', async () => {
    const data = sampleData();
    data.distance = { trueM: [NaN, -1, 0, Infinity, 2, 3], estimatedM: [1, 1, 1, 1, 1] };
    data.thresholdSweep = {
      thresholdM: [1, NaN, 3],
      precision: [NaN, 0.5],
      recall: [0.2],
      configuredThresholdM: NaN,
    };
    data.durations = {
      trueMinutes: [NaN, 5],
      estimatedMinutes: [3, Infinity],
      thresholdMinutes: NaN,
    };
    data.map.walls = [{ x1M: 0, y1M: 0, x2M: NaN, y2M: 1, lossDb: NaN }];
    data.map.tracks = [{ person: 0, app: true, xyM: [NaN, NaN, 1, 2, 3] }];
    data.tracing = { ...data.tracing, f0: NaN, recall: Infinity };
    const html = await renderReport(data);
    expect(html).toContain('1 sightings; 5 with a non-positive or missing distance left out');
    expect(html).toContain('id="chart-durations" data-chart="no-data"');
  });

  it('thins huge series with a fixed stride and stays small', async () => {
    const data = sampleData();
    const n = 50_000;
    data.distance = {
      trueM: Array.from({ length: n }, (_, i) => 0.2 + (i % 997) / 100),
      estimatedM: Array.from({ length: n }, (_, i) => 0.2 + (i % 991) / 100),
    };
    const html = await renderReport(data, { maxPointsPerSeries: 5000 });
    expect(html).toContain('5,000 drawn (every 10th)');
    expect(html.length).toBeLessThan(3_000_000);
    expect(await renderReport(data, { maxPointsPerSeries: 5000 })).toBe(html);
  });

  it('at city scale (2 M contact pairs) samples the duration scatter, says so, and stays under 3 MB', async () => {
    const data = sampleData();
    const n = 2_000_000;
    const trueMinutes = new Float64Array(n);
    const estimatedMinutes = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      trueMinutes[i] = (i % 601) / 10;
      estimatedMinutes[i] = (i % 577) / 10;
    }
    data.durations = { trueMinutes, estimatedMinutes, thresholdMinutes: 15 };
    const html = await renderReport(data);
    expect(html).toContain(
      '2,000,000 app pairs, 5,000 drawn (every 400th; the counts below and the histogram use all 2,000,000)',
    );
    expect(html.length).toBeLessThan(3_000_000);
    // Every pair still counts: the quadrant counts sum over all 2 M, not the 5,000 drawn.
    const counts =
      /correctly flagged \(([\d,]+)\); top left: false alarms \(([\d,]+)\); bottom right: missed \(([\d,]+)\)/.exec(
        html,
      );
    expect(counts).not.toBeNull();
    let tp = 0;
    for (let i = 0; i < n; i++) if (trueMinutes[i]! >= 15 && estimatedMinutes[i]! >= 15) tp++;
    expect(Number(counts![1]!.replace(/,/g, ''))).toBe(tp);
  });

  it("draws a district's map without its walls and with every k-th room past the limits, and says so", async () => {
    const data = sampleData();
    // A 100 × 60 grid of 20 m venues, each with four walls: 6,000 rooms and 24,000 walls.
    const rects = [];
    const walls = [];
    for (let row = 0; row < 60; row++)
      for (let col = 0; col < 100; col++) {
        const xM = 40 * col;
        const yM = 40 * row;
        rects.push({ xM, yM, widthM: 20, heightM: 20 });
        walls.push(
          { x1M: xM, y1M: yM, x2M: xM + 20, y2M: yM, lossDb: 10 },
          { x1M: xM + 20, y1M: yM, x2M: xM + 20, y2M: yM + 20, lossDb: 10 },
          { x1M: xM, y1M: yM + 20, x2M: xM + 20, y2M: yM + 20, lossDb: 10 },
          { x1M: xM, y1M: yM, x2M: xM, y2M: yM + 20, lossDb: 10 },
        );
      }
    data.map = { ...data.map, widthM: 4000, heightM: 2400, rects, walls };
    const html = await renderReport(data, { maxMapWalls: 2000, maxMapAreas: 2500 });
    const map = /<section[^>]*id="chart-map"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    expect(map).not.toBe('');
    // Every 3rd of 6,000 rooms: 2,000 drawn, as markArea polygons.
    expect(map.match(/<polygon/g)?.length).toBe(2000);
    expect(map).toContain('6,000 areas (every 3rd drawn: 2,000)');
    expect(map).toMatch(/24,000 walls, not drawn: above 2,000, at [\d.]+ px per metre/);
    expect(map).not.toContain('>Wall<');
    // Within the limits everything is drawn: the sample's four rooms and four walls.
    const small = await renderReport(sampleData(), { maxMapWalls: 2000, maxMapAreas: 2500 });
    expect(small).toContain('4 areas, 4 walls (labelled with their loss, dB)');
    expect(small).toContain('>Wall<');
  });
});
