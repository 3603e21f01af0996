/**
 * A run's files: results.json, contacts.csv, sightings.jsonl (optional), the published key file and
 * report.html. Same seed, same version ⇒ the same bytes in every file.
 * @module
 */
import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { formatSightingLine, utcDayName } from '@proxsense/core';
import { renderReport } from '../report/render.js';
import { reportData } from './reportBuilder.js';
import type { Evaluation } from '../run/evaluate.js';
import type { Simulation } from '../run/simulation.js';

export interface WrittenFiles {
  results: string;
  contacts: string;
  report?: string;
  sightings?: string;
  keys: string;
}

export interface WriteOptions {
  sightings?: boolean;
  report?: boolean;
}

/** Writes the run's files into `dir` (created if missing). */
export async function writeRunFiles(
  sim: Simulation,
  evaluation: Evaluation,
  dir: string,
  options: WriteOptions = {},
): Promise<WrittenFiles> {
  mkdirSync(dir, { recursive: true });
  const files: WrittenFiles = {
    results: join(dir, 'results.json'),
    contacts: join(dir, 'contacts.csv'),
    keys: join(dir, evaluation.tracing.keyFile.name),
  };
  writeFileSync(files.results, `${JSON.stringify(evaluation.results, null, 2)}\n`);
  writeFileSync(files.contacts, contactsCsv(sim, evaluation));
  writeFileSync(files.keys, evaluation.tracing.keyFile.bytes);
  if (evaluation.tracing.keyFile.publicKeyPem)
    writeFileSync(join(dir, 'signing-key.pub.pem'), evaluation.tracing.keyFile.publicKeyPem);
  if (options.sightings) {
    files.sightings = join(dir, 'sightings.jsonl');
    await writeSightings(sim, files.sightings);
  }
  if (options.report ?? true) {
    files.report = join(dir, 'report.html');
    writeFileSync(files.report, renderReport(reportData(sim, evaluation)));
  }
  return files;
}

async function writeSightings(sim: Simulation, path: string): Promise<void> {
  const stream = createWriteStream(path);
  const write = (text: string) =>
    stream.write(text)
      ? Promise.resolve()
      : new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  for (let p = 0; p < sim.people; p++) {
    const store = sim.stores[p];
    if (!store) continue;
    let chunk = '';
    for (let i = 0; i < store.length; i++) {
      chunk += `${formatSightingLine(store.sighting(i))}\n`;
      if (chunk.length > 1 << 16) {
        await write(chunk);
        chunk = '';
      }
    }
    if (chunk) await write(chunk);
  }
  await new Promise<void>((resolve, reject) =>
    stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

const fixed = (x: number) => (Number.isFinite(x) ? String(Math.round(x * 100) / 100) : '');

/**
 * One row per unordered pair and UTC day with any time within the rule's distance or any estimated close
 * time: true minutes, each phone's estimated minutes of the other and both verdicts.
 */
export function contactsCsv(sim: Simulation, evaluation: Evaluation): string {
  const byKey = new Map<
    string,
    {
      a: number;
      b: number;
      day: number;
      trueMin: number;
      est: [number, number];
      dist: [boolean, boolean];
      bz: [boolean, boolean];
    }
  >();
  const row = (a: number, b: number, d: number) => {
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    const key = `${d}|${lo}|${hi}`;
    let r = byKey.get(key);
    if (!r)
      byKey.set(
        key,
        (r = {
          a: lo,
          b: hi,
          day: d,
          trueMin: 0,
          est: [0, 0],
          dist: [false, false],
          bz: [false, false],
        }),
      );
    return r;
  };
  const { truth } = sim;
  for (let i = 0; i < truth.length; i++)
    row(truth.pairA[i]!, truth.pairB[i]!, truth.pairDay[i]!).trueMin = truth.closeS[i]! / 60;
  for (const v of evaluation.verdicts) {
    const r = row(v.observer, v.contact, v.day);
    const side = v.observer === r.a ? 0 : 1;
    r.est[side] = v.closeMinutes;
    r.dist[side] = v.closeContact;
    r.bz[side] = v.bluezoneCloseContact;
  }
  const rows = [...byKey.values()].sort((x, y) => x.day - y.day || x.a - y.a || x.b - y.b);
  const minMin = sim.scenario.rule.closeContactMinDurationS / 60;
  const app = sim.population.app;
  const lines = [
    'day,person_a,person_b,app_a,app_b,true_minutes,true_close_contact,est_minutes_a_of_b,est_minutes_b_of_a,distance_verdict_a,distance_verdict_b,bluezone_verdict_a,bluezone_verdict_b',
  ];
  for (const r of rows) {
    lines.push(
      [
        utcDayName(r.day),
        r.a,
        r.b,
        app[r.a],
        app[r.b],
        fixed(r.trueMin),
        r.trueMin >= minMin - 1e-9 ? 1 : 0,
        fixed(r.est[0]),
        fixed(r.est[1]),
        +r.dist[0],
        +r.dist[1],
        +r.bz[0],
        +r.bz[1],
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
