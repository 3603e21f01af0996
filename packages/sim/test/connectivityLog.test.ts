import fc from 'fast-check';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConnectivityLog, fileLogSink, memoryLogSink } from '../src/truth/connectivityLog.js';
import { tmp } from './helpers.js';

interface Update {
  tS: number;
  events: { a: number; b: number; up: number }[];
}

/** The lines as the first writer made them: one string per line, a comparison sort per update. */
function referenceLines(people: number, updates: Update[], ids?: number[]): string[] {
  const label = (p: number) => (ids ? ids[p]! : p);
  const lines: string[] = [];
  for (const { tS, events } of updates) {
    const rows = events.map(({ a, b, up }) => {
      const [lo, hi] = label(a) < label(b) ? [a, b] : [b, a];
      return { lo: label(lo), hi: label(hi), up };
    });
    rows.sort((u, v) => u.lo - v.lo || u.hi - v.hi || u.up - v.up);
    for (const r of rows)
      lines.push(`${tS.toFixed(2)} CONN ${r.lo} ${r.hi} ${r.up ? 'up' : 'down'}`);
  }
  expect(people).toBeGreaterThan(0);
  return lines;
}

function write(log: ConnectivityLog, updates: Update[]): void {
  for (const { tS, events } of updates) {
    const a = Uint32Array.from(events, (e) => e.a);
    const b = Uint32Array.from(events, (e) => e.b);
    const up = Uint8Array.from(events, (e) => e.up);
    log.writeUpdate(tS, a, b, up, events.length);
  }
  log.flush();
}

const text = (chunks: Uint8Array[]) => Buffer.concat(chunks).toString('latin1');

/** Updates of distinct pairs (each pair at most once an update), in random order and orientation. */
const updatesArb = (people: number) =>
  fc.array(
    fc.record({
      tS: fc.oneof(
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 0, max: 1e7, noNaN: true }),
      ),
      events: fc.uniqueArray(
        fc
          .tuple(fc.nat(people - 1), fc.nat(people - 1), fc.nat(1))
          .filter(([a, b]) => a !== b)
          .map(([a, b, up]) => ({ a, b, up })),
        { selector: (e) => Math.min(e.a, e.b) * people + Math.max(e.a, e.b), maxLength: 300 },
      ),
    }),
    { maxLength: 12 },
  );

describe('ConnectivityLog (streamed ConnectivityONEReport lines)', () => {
  it('property: its bytes are the reference lines, by index or by ids, whichever sort it picks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 3000 }).chain((people) =>
          fc.tuple(
            fc.constant(people),
            updatesArb(people),
            fc.option(
              fc.uniqueArray(fc.nat(2 ** 31 - 1), { minLength: people, maxLength: people }),
              {
                nil: undefined,
              },
            ),
          ),
        ),
        ([people, updates, ids]) => {
          const memory = memoryLogSink();
          const log = new ConnectivityLog(people, memory.sink, ids);
          write(log, updates);
          const expected = referenceLines(people, updates, ids);
          expect(text(memory.chunks)).toBe(expected.map((l) => `${l}\n`).join(''));
          expect(log.lines).toBe(expected.length);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('hands the sink whole lines in chunks of bounded size, and a file sink writes the same bytes', () => {
    // ~14 bytes a line × 40 000 lines: several chunks.
    const people = 400;
    const updates: Update[] = [];
    for (let t = 1; t <= 20; t++) {
      const events: Update['events'] = [];
      for (let a = 0; a < 100; a++)
        for (let b = a + 1; b < a + 21; b++) events.push({ a: b, b: a, up: (a + b + t) & 1 });
      updates.push({ tS: t, events });
    }
    const memory = memoryLogSink();
    write(new ConnectivityLog(people, memory.sink), updates);
    expect(memory.chunks.length).toBeGreaterThan(3);
    for (const chunk of memory.chunks) {
      expect(chunk.length).toBeLessThan((1 << 16) + 1024);
      expect(chunk[chunk.length - 1]).toBe(10);
    }
    expect(text(memory.chunks)).toBe(
      referenceLines(people, updates)
        .map((l) => `${l}\n`)
        .join(''),
    );
    const dir = tmp();
    const path = join(dir, 'log.txt');
    const file = fileLogSink(path);
    write(new ConnectivityLog(people, file.sink), updates);
    // Until closed, the log is a partial file: a run that dies leaves nothing that looks complete.
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.partial`)).toBe(true);
    file.close();
    expect(existsSync(`${path}.partial`)).toBe(false);
    expect(readFileSync(path, 'latin1')).toBe(text(memory.chunks));
    const dropped = fileLogSink(join(dir, 'dropped.txt'));
    dropped.sink(new Uint8Array([65, 10]));
    dropped.discard();
    expect(existsSync(join(dir, 'dropped.txt.partial'))).toBe(false);
    expect(existsSync(join(dir, 'dropped.txt'))).toBe(false);
  });

  it('writes nothing for an update without events', () => {
    const memory = memoryLogSink();
    const log = new ConnectivityLog(3, memory.sink);
    log.writeUpdate(1, new Uint32Array(0), new Uint32Array(0), new Uint8Array(0), 0);
    log.flush();
    expect(memory.chunks).toEqual([]);
    expect(log.lines).toBe(0);
  });
});
