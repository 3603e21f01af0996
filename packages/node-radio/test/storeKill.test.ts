import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodeFrame, encodeRecord, FileStore } from '@proxsense/node-radio';
// @ts-expect-error plain ESM helper shared with the child process, no type declarations
import { expectedSighting, SEGMENT_MS } from './storeWriterRecords.mjs';

const CHILD = fileURLToPath(new URL('./storeWriterChild.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const LANES = 4;
const KILLS_PER_LANE = 13;

/**
 * Starts a writer on `dir` and kills it with SIGKILL: `delayMs` after it reports its start, or with
 * `fromSpawn` `delayMs` after spawning it (possibly while it recovers the store, before it writes).
 * Resolves to where it started and the last count it acknowledged (undefined if it never said).
 */
async function killWriter(
  dir: string,
  seed: number,
  known: number,
  delayMs: number,
  fromSpawn: boolean,
): Promise<{ started?: number; acked?: number }> {
  const child = spawn(process.execPath, [CHILD, dir, String(seed), String(known)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let text = '';
  const started = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.includes('\n')) resolve();
    });
  });
  const closed = new Promise<number | null>((resolve) =>
    child.once('close', (code, signal) => resolve(signal === 'SIGKILL' ? null : (code ?? -1))),
  );
  // A bound, so a writer that never starts cannot hang the test.
  const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
  if (!fromSpawn) await Promise.race([started, closed]);
  const killTimer = setTimeout(() => child.kill('SIGKILL'), delayMs);
  const exit = await closed;
  clearTimeout(killTimer);
  clearTimeout(guard);
  expect(exit).toBeNull();
  // Each line is one small write to a pipe, so it arrives whole or not at all.
  const lines = text.split('\n').filter((l) => l !== '');
  if (lines.length === 0) {
    expect(fromSpawn).toBe(true);
    return {};
  }
  const start = /^start (\d+)$/.exec(lines[0]!);
  expect(start).not.toBeNull();
  let acked = Number(start![1]);
  for (const line of lines.slice(1)) {
    const m = /^ack (\d+)$/.exec(line);
    expect(m).not.toBeNull();
    acked = Number(m![1]);
  }
  return { started: Number(start![1]), acked };
}

describe('FileStore under kill -9', () => {
  it(`keeps every acknowledged batch and never returns a corrupt record (${LANES * KILLS_PER_LANE} kills)`, async () => {
    expect(existsSync(DIST), 'packages/node-radio/dist is missing: run `npm run build` first').toBe(
      true,
    );
    let seed = 12345;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), seed / 2 ** 32);
    let tornTailsLeft = 0;
    let unacknowledgedSurvivors = 0;
    const lane = async (laneIndex: number) => {
      const dir = mkdtempSync(join(tmpdir(), `proxsense-kill-${laneIndex}-`));
      let acked = 0;
      // Records verified so far: each round checks the records after them (reading only those
      // segments, so the parent stays quick enough for its kill timers); the last round checks all.
      let verified = 0;
      for (let k = 0; k < KILLS_PER_LANE; k++) {
        // Kill anywhere from before the first batch to a few dozen batches in; one round in four from
        // the spawn, which also lands in the writer's start-up and recovery.
        const fromSpawn = random() < 0.25;
        const r = await killWriter(
          dir,
          1 + Math.floor(random() * 1e9),
          verified,
          Math.floor(random() * (fromSpawn ? 400 : 40)),
          fromSpawn,
        );
        // The writer resumed from what it recovered: never less than what was acknowledged before.
        if (r.started !== undefined) expect(r.started).toBeGreaterThanOrEqual(acked);
        if (r.acked !== undefined) acked = r.acked;
        const store = FileStore.open(dir, { segmentMs: SEGMENT_MS });
        expect(store.recovery.corruptRegions).toEqual([]);
        const last = k === KILLS_PER_LANE - 1;
        const from = last ? 0 : verified;
        const got = store.querySightings({ fromMs: expectedSighting(from).timeMs });
        // Every acknowledged record is there; anything beyond is a fully written, unacknowledged one.
        expect(from + got.length).toBeGreaterThanOrEqual(acked);
        unacknowledgedSurvivors += from + got.length - acked;
        for (let i = 0; i < got.length; i++) expect(got[i]).toEqual(expectedSighting(from + i));
        verified = from + got.length;
        // Half the rounds the checker closes the store (writing indexes), half it leaves it as a crash would.
        if (k % 2 === 0) store.close();
        // A kill cannot cut a write(2) short; a power cut can. Some rounds leave the torn tail of an
        // unsynced append on the newest segment for the next writer to recover from.
        const newest = readdirSync(dir)
          .filter((n) => /^seg-\d+\.pxs$/.test(n))
          .sort()
          .at(-1);
        if (newest !== undefined && random() < 0.3) {
          const frame = encodeFrame(
            encodeRecord({ type: 'sighting', sighting: expectedSighting(verified) }),
          );
          appendFileSync(
            join(dir, newest),
            frame.subarray(0, 1 + Math.floor(random() * (frame.length - 1))),
          );
          tornTailsLeft++;
        }
      }
      return acked;
    };
    const totals = await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i)));
    expect(Math.min(...totals)).toBeGreaterThan(0);
    // Some kills landed between a batch's write and its acknowledgement, or the test proves little.
    expect(unacknowledgedSurvivors).toBeGreaterThan(0);
    expect(tornTailsLeft).toBeGreaterThan(0);
    // A bound against a hang (each writer has its own 20 s guard), not a speed limit: 52 Node start-ups
    // beside the rest of the suite took 63 s on a slower 2-core VM.
  }, 180_000);
});
