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
import { SightingColumns } from '../store/sightingArena.js';

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
  /**
   * Called as files are written: `done` of `total` steps (results and contacts, the key file, one step
   * per person's sightings, the report). For a progress bar.
   */
  onProgress?: (done: number, total: number) => void;
}

/** Writes the run's files into `dir` (created if missing). */
export async function writeRunFiles(
  sim: Simulation,
  evaluation: Evaluation,
  dir: string,
  options: WriteOptions = {},
): Promise<WrittenFiles> {
  mkdirSync(dir, { recursive: true });
  const total = 3 + (options.sightings ? sim.people : 0);
  const progress = (done: number) => options.onProgress?.(done, total);
  const files: WrittenFiles = {
    results: join(dir, 'results.json'),
    contacts: join(dir, 'contacts.csv'),
    keys: join(dir, evaluation.tracing.keyFile.name),
  };
  writeFileSync(files.results, `${JSON.stringify(evaluation.results, null, 2)}\n`);
  await writeChunks(files.contacts, contactsCsvChunks(sim, evaluation));
  progress(1);
  writeFileSync(files.keys, evaluation.tracing.keyFile.bytes);
  if (evaluation.tracing.keyFile.publicKeyPem)
    writeFileSync(join(dir, 'signing-key.pub.pem'), evaluation.tracing.keyFile.publicKeyPem);
  if (options.sightings) {
    files.sightings = join(dir, 'sightings.jsonl');
    await writeChunks(
      files.sightings,
      sightingChunks(sim, (p) => progress(2 + p)),
    );
  }
  progress(total - 1);
  if (options.report ?? true) {
    files.report = join(dir, 'report.html');
    writeFileSync(files.report, await renderReport(reportData(sim, evaluation)));
  }
  progress(total);
  return files;
}

/** A file written in chunks, waiting for the stream to drain (so memory holds one chunk, not the file). */
async function writeChunks(path: string, chunks: Iterable<string>): Promise<void> {
  const stream = createWriteStream(path);
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  failed.catch(() => undefined); // observed through the race below and stream.end's callback
  const write = (text: string) =>
    stream.write(text)
      ? Promise.resolve()
      : Promise.race([
          new Promise<void>((resolve) => stream.once('drain', () => resolve())),
          failed,
        ]);
  for (const chunk of chunks) await write(chunk);
  await new Promise<void>((resolve, reject) =>
    stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

const CHUNK_CHARS = 1 << 16;

function* sightingChunks(sim: Simulation, onPerson: (done: number) => void): Generator<string> {
  const columns = new SightingColumns();
  for (let p = 0; p < sim.people; p++) {
    onPerson(p);
    const store = sim.stores[p];
    if (!store) continue;
    let chunk = '';
    const c = store.columns(columns);
    const scanner = store.scannerName();
    for (let i = 0; i < c.length; i++) {
      chunk += `${formatSightingLine(store.sightingFrom(c, i, scanner))}\n`;
      if (chunk.length > CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
}

const fixed = (x: number) => (Number.isFinite(x) ? String(Math.round(x * 100) / 100) : '');

const CONTACTS_HEADER =
  'day,person_a,person_b,app_a,app_b,true_minutes,true_close_contact,est_minutes_a_of_b,est_minutes_b_of_a,distance_verdict_a,distance_verdict_b,bluezone_verdict_a,bluezone_verdict_b';

/**
 * One row per unordered pair and UTC day with any time within the rule's distance or any estimated close
 * time: true minutes, each phone's estimated minutes of the other and both verdicts. Sorted by day,
 * then person_a, then person_b (person_a < person_b).
 */
export function contactsCsv(sim: Simulation, evaluation: Evaluation): string {
  return [...contactsCsvChunks(sim, evaluation)].join('');
}

/**
 * {@link contactsCsv} in chunks of about 64 K characters, for streaming to a file. Rows are ordered
 * without a key per row: ground-truth pairs and verdicts are bucketed by their lower person (a counting
 * sort), each bucket sorted by (day, higher person), and rows with the same key merged.
 */
export function* contactsCsvChunks(sim: Simulation, evaluation: Evaluation): Generator<string> {
  const { truth } = sim;
  const v = evaluation.verdicts;
  const people = sim.people;
  const nTruth = truth.length;
  const n = nTruth + v.length;
  // Entry e < nTruth: ground-truth pair e; else verdict e − nTruth.
  const lo = (e: number) =>
    e < nTruth
      ? Math.min(truth.pairAAt(e), truth.pairBAt(e))
      : Math.min(v.observer[e - nTruth]!, v.contact[e - nTruth]!);
  const hi = (e: number) =>
    e < nTruth
      ? Math.max(truth.pairAAt(e), truth.pairBAt(e))
      : Math.max(v.observer[e - nTruth]!, v.contact[e - nTruth]!);
  const day = (e: number) => (e < nTruth ? truth.pairDay(e) : v.day[e - nTruth]!);
  const start = new Uint32Array(people + 1);
  for (let e = 0; e < n; e++) start[lo(e) + 1]!++;
  for (let p = 0; p < people; p++) start[p + 1]! += start[p]!;
  const entries = new Uint32Array(n);
  const fill = start.slice(0, people);
  for (let e = 0; e < n; e++) entries[fill[lo(e)]!++] = e;
  const days = new Set<number>();
  for (let p = 0; p < people; p++) {
    const bucket = entries.subarray(start[p], start[p + 1]);
    if (bucket.length > 1) bucket.sort((x, y) => day(x) - day(y) || hi(x) - hi(y) || x - y);
    for (const e of bucket) days.add(day(e));
  }
  const minMin = sim.scenario.rule.closeContactMinDurationS / 60;
  const app = sim.population.app;
  let chunk = `${CONTACTS_HEADER}\n`;
  const cursor = start.slice(0, people);
  for (const d of [...days].sort((x, y) => x - y)) {
    const dayName = utcDayName(d);
    for (let p = 0; p < people; p++) {
      const end = start[p + 1]!;
      while (cursor[p]! < end && day(entries[cursor[p]!]!) === d) {
        const b = hi(entries[cursor[p]!]!);
        let trueMin = 0;
        // Side a is person_a's log of person_b; side b the other way.
        let estA = 0;
        let estB = 0;
        let distA = 0;
        let distB = 0;
        let bzA = 0;
        let bzB = 0;
        for (; cursor[p]! < end; cursor[p]!++) {
          const e = entries[cursor[p]!]!;
          if (day(e) !== d || hi(e) !== b) break;
          if (e < nTruth) {
            trueMin = truth.closeSAt(e) / 60;
          } else if (v.observer[e - nTruth] === p) {
            estA = v.closeMinutes[e - nTruth]!;
            distA = v.closeContact[e - nTruth]!;
            bzA = v.bluezoneCloseContact[e - nTruth]!;
          } else {
            estB = v.closeMinutes[e - nTruth]!;
            distB = v.closeContact[e - nTruth]!;
            bzB = v.bluezoneCloseContact[e - nTruth]!;
          }
        }
        chunk += `${dayName},${p},${b},${app[p]},${app[b]},${fixed(trueMin)},${trueMin >= minMin - 1e-9 ? 1 : 0},${fixed(estA)},${fixed(estB)},${distA},${distB},${bzA},${bzB}\n`;
        if (chunk.length > CHUNK_CHARS) {
          yield chunk;
          chunk = '';
        }
      }
    }
  }
  if (chunk) yield chunk;
}
