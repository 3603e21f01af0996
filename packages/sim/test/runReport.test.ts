import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeRunFiles } from '../src/output/files.js';
import { evaluate } from '../src/run/evaluate.js';
import { Simulation } from '../src/run/simulation.js';
import { openOffline, withChromium } from './browser.js';
import { scenario, tmp } from './helpers.js';

describe('report.html of a real run', () => {
  it('opens offline in headless Chromium with every chart drawn and no console errors', async () => {
    const sim = new Simulation({
      scenario: scenario({
        durationS: 3600,
        people: { count: 40, adoption: 0.6 },
        world: { kind: 'office', meetingRooms: 2 },
      }),
      seed: 9,
    }).run();
    const dir = tmp();
    const files = await writeRunFiles(sim, evaluate(sim), dir);
    const html = readFileSync(files.report!, 'utf8');
    await withChromium(async (browser) => {
      const page = await browser.newPage();
      const { errors, externalRequests: requests } = await openOffline(
        page,
        join(dir, 'report.html'),
      );
      const svgs = await page.locator('svg').count();
      expect(svgs).toBeGreaterThanOrEqual(5);
      // The distance scatter and the map draw marks from the run's data.
      const marks = await page.locator('svg path, svg circle').count();
      expect(marks).toBeGreaterThan(200);
      expect(await page.textContent('body')).toMatch(/precision/);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    });
    expect(html).not.toMatch(/<script[^>]*src=|<link[^>]*href="http/);
  });
});
