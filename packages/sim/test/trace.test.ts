import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PositionTrace,
  readTraceFile,
  traceFromRows,
  type TraceRow,
} from '../src/mobility/trace.js';
import { ScenarioError } from '../src/scenario/load.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'proxsense-trace-'));
});

async function traceOf(text: string, name = 'trace.csv'): Promise<PositionTrace> {
  const path = join(dir, name);
  await writeFile(path, text);
  return readTraceFile(path);
}

/** The message reading `text` fails with, with the temp directory taken out. */
async function messageOf(text: string, name = 'trace.csv'): Promise<string> {
  try {
    await traceOf(text, name);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message.replace(`${dir}/`, '');
  }
  throw new Error('expected a ScenarioError');
}

function sampleAt(trace: PositionTrace, tS: number) {
  const n = trace.personCount;
  const x = new Float64Array(n),
    y = new Float64Array(n),
    present = new Uint8Array(n),
    venue = new Int32Array(n);
  trace.sample(tS, x, y, present, venue);
  return { x: [...x], y: [...y], present: [...present], venue: [...venue] };
}

const CSV =
  't,person,x,y,venue\n0,alice,0,0,hall\n10,alice,10,20,\n5,bob,1,1,lobby\n20,alice,10,30,hall\n15,bob,3,1,lobby\n';

describe('readTraceFile', () => {
  it('groups by person in order of first appearance, sorts by time, interns venues, finds the bounds', async () => {
    const trace = await traceOf(CSV);
    expect(trace.persons).toEqual(['alice', 'bob']);
    expect(trace.venues).toEqual(['hall', 'lobby']);
    expect([...trace.rowStart]).toEqual([0, 3, 5]);
    expect([...trace.timeS]).toEqual([0, 10, 20, 5, 15]);
    expect([...trace.venue]).toEqual([0, -1, 0, 1, 1]);
    expect([
      trace.startS,
      trace.endS,
      trace.minXM,
      trace.maxXM,
      trace.minYM,
      trace.maxYM,
      trace.widthM,
      trace.heightM,
    ]).toEqual([0, 20, 0, 10, 0, 30, 10, 30]);
    expect(trace.indexOf('bob')).toBe(1);
    expect(trace.indexOf('carol')).toBe(-1);
  });

  it('interpolates linearly, is absent outside each person’s rows, and takes the venue at or before t', async () => {
    const trace = await traceOf(CSV);
    expect(sampleAt(trace, 0)).toEqual({
      x: [0, NaN],
      y: [0, NaN],
      present: [1, 0],
      venue: [0, -1],
    });
    expect(sampleAt(trace, 5)).toEqual({ x: [5, 1], y: [10, 1], present: [1, 1], venue: [0, 1] });
    expect(sampleAt(trace, 12.5)).toEqual({
      x: [10, 2.5],
      y: [22.5, 1],
      present: [1, 1],
      venue: [-1, 1],
    });
    expect(sampleAt(trace, 15)).toEqual({
      x: [10, 3],
      y: [25, 1],
      present: [1, 1],
      venue: [-1, 1],
    });
    expect(sampleAt(trace, 15.5).present).toEqual([1, 0]);
    expect(sampleAt(trace, 20)).toEqual({
      x: [10, NaN],
      y: [30, NaN],
      present: [1, 0],
      venue: [0, -1],
    });
    expect(sampleAt(trace, 20.001).present).toEqual([0, 0]);
    expect(sampleAt(trace, -1).present).toEqual([0, 0]);
  });

  it('does not depend on column order, ignores other columns, accepts quotes, CRLF, blanks and a BOM', async () => {
    const a = await traceOf(CSV);
    const b = await traceOf(
      '\uFEFFvenue,speed,y,person,t,x\r\nhall,1,0,"alice",0,0\r\n,2,20,alice,10,10\r\n\r\nlobby,3,1,bob,5,1\r\nhall,4, 30 ,alice,20,10\r\n"lob""by",5,1,bob,15,3\r\n',
      'other.csv',
    );
    expect(b.persons).toEqual(a.persons);
    expect([...b.timeS]).toEqual([...a.timeS]);
    expect([...b.xM]).toEqual([...a.xM]);
    expect([...b.yM]).toEqual([...a.yM]);
    expect(b.venues).toEqual(['hall', 'lobby', 'lob"by']);
  });

  it('works without a venue column', async () => {
    const trace = await traceOf('person,t,x,y\np,0,0,0\np,1,1,1\n');
    expect(trace.venues).toEqual([]);
    expect(sampleAt(trace, 0.5)).toEqual({ x: [0.5], y: [0.5], present: [1], venue: [-1] });
  });

  it('reads gzipped files', async () => {
    const path = join(dir, 'trace.csv.gz');
    await writeFile(path, gzipSync(CSV));
    const trace = await readTraceFile(path);
    expect(trace.persons).toEqual(['alice', 'bob']);
    expect(sampleAt(trace, 12.5).x).toEqual([10, 2.5]);
  });

  it('stores an exactly repeated row once', async () => {
    const trace = await traceOf('t,person,x,y\n0,a,1,1\n1,a,2,2\n0,a,1,1\n');
    expect([...trace.timeS]).toEqual([0, 1]);
  });

  it('reports each bad input with the file, line, field, what was expected and what was found', async () => {
    expect(await messageOf('t,person,x,y\n0,a,1,1\n1,a,abc,1\n')).toBe(
      'trace.csv:3: x: expected a finite number, got "abc"',
    );
    expect(await messageOf('t,person,x,y\n0,a,1,0x10\n')).toBe(
      'trace.csv:2: y: expected a finite number, got "0x10"',
    );
    expect(await messageOf('t,person,x,y\n,a,1,1\n')).toBe(
      'trace.csv:2: t: expected a finite number, got ""',
    );
    expect(await messageOf('t,person,x,y\nInfinity,a,1,1\n')).toBe(
      'trace.csv:2: t: expected a finite number, got "Infinity"',
    );
    expect(await messageOf('t,person,x,y\n1e999,a,1,1\n')).toBe(
      'trace.csv:2: t: expected a finite number, got "1e999"',
    );
    expect(await messageOf('t,person,x,y\n0,,1,1\n')).toBe(
      'trace.csv:2: person: expected a non-empty name, got ""',
    );
    expect(await messageOf('t,person,x,y\n0,a,1\n')).toBe(
      'trace.csv:2: row: expected 4 fields as in the header, got 3',
    );
    expect(await messageOf('time,person,x,y\n0,a,1,1\n')).toBe(
      'trace.csv:1: header: expected columns t, person, x, y, got time, person, x, y',
    );
    expect(await messageOf('\n\nt,person,x\n')).toBe(
      'trace.csv:3: header: expected columns t, person, x, y, got t, person, x',
    );
    expect(await messageOf('t,person,x,y,x\n')).toBe(
      'trace.csv:1: header: expected each column once, got "x" twice',
    );
    expect(await messageOf('')).toBe(
      'trace.csv:1: header: expected columns t, person, x, y, got an empty file',
    );
    expect(await messageOf('t,person,x,y\n')).toBe(
      'trace.csv: expected rows of t, person, x, y after the header, got none',
    );
    expect(await messageOf('t,person,x,y\n0,"a,1,1\n1,b,2,2\n')).toBe(
      'trace.csv:2: row: expected a closing quote, got the end of the file',
    );
  });

  it('two different positions of one person at one time name both lines', async () => {
    expect(await messageOf('t,person,x,y\n0,a,1,2\n5,b,0,0\n0,a,3,4\n')).toBe(
      'trace.csv:4: t: expected one position of "a" at t = 0, got (3, 4) here and (1, 2) on line 2',
    );
    expect(await messageOf('t,person,x,y,venue\n7,a,1,2,hall\n7,a,1,2,lobby\n')).toBe(
      'trace.csv:3: t: expected one position of "a" at t = 7, got (1, 2) in "lobby" here and (1, 2) in "hall" on line 2',
    );
  });

  it('reports unreadable files', async () => {
    await expect(readTraceFile(join(dir, 'missing.csv'))).rejects.toThrow(
      `${join(dir, 'missing.csv')}: cannot read: no such file`,
    );
    await mkdir(join(dir, 'folder.csv'));
    await expect(readTraceFile(join(dir, 'folder.csv'))).rejects.toThrow(
      `${join(dir, 'folder.csv')}: cannot read: is a directory`,
    );
    await writeFile(join(dir, 'plain.csv.gz'), CSV);
    await expect(readTraceFile(join(dir, 'plain.csv.gz'))).rejects.toThrow(
      `${join(dir, 'plain.csv.gz')}: cannot read: gzip: incorrect header check`,
    );
    await expect(readTraceFile(join(dir, 'plain.csv.gz'))).rejects.toBeInstanceOf(ScenarioError);
  });
});

describe('traceFromRows', () => {
  it('checks rows like file rows, naming the line they would have in a CSV', () => {
    expect(() =>
      traceFromRows(
        [
          { tS: 0, person: 'a', xM: 0, yM: 0 },
          { tS: 1, person: 'a', xM: NaN, yM: 0 },
        ],
        'mem',
      ),
    ).toThrow('mem:3: x: expected a finite number, got NaN');
    expect(() => traceFromRows([{ tS: 0, person: '', xM: 0, yM: 0 }], 'mem')).toThrow(
      'mem:2: person: expected a non-empty name, got ""',
    );
    expect(() => traceFromRows([], 'mem')).toThrow(
      'mem: expected rows of t, person, x, y after the header, got none',
    );
  });

  it('rejects arrays too short for every person', () => {
    const trace = traceFromRows(
      [
        { tS: 0, person: 'a', xM: 0, yM: 0 },
        { tS: 0, person: 'b', xM: 0, yM: 0 },
      ],
      'mem',
    );
    expect(() =>
      trace.sample(0, new Float64Array(1), new Float64Array(2), new Uint8Array(2)),
    ).toThrow(/at least 2 entries/);
    expect(() =>
      trace.sample(NaN, new Float64Array(2), new Float64Array(2), new Uint8Array(2)),
    ).toThrow(/finite time/);
  });
});

describe('properties', () => {
  /** Tracks: per person, strictly increasing integer times (so rows are exact) and arbitrary positions. */
  const tracks = fc
    .array(
      fc.array(
        fc.record({
          dtS: fc.integer({ min: 1, max: 50 }),
          xM: fc.integer({ min: -1000, max: 1000 }),
          yM: fc.integer({ min: -1000, max: 1000 }),
          venue: fc.constantFrom('', 'a', 'b'),
        }),
        { minLength: 1, maxLength: 8 },
      ),
      { minLength: 1, maxLength: 6 },
    )
    .chain((people) =>
      fc.tuple(fc.constant(people), fc.integer({ min: -20, max: 20 })).map(([ps, t0]) =>
        ps.map((rows, p) => {
          let tS = t0;
          return rows.map((r) => ({
            tS: (tS += r.dtS),
            person: `p${p}`,
            xM: r.xM,
            yM: r.yM,
            venue: r.venue,
          }));
        }),
      ),
    );

  it('sampling at row times returns the rows; between rows the point lies on the segment', () => {
    fc.assert(
      fc.property(
        tracks,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (people, fraction, shuffle) => {
          const rows: TraceRow[] = people.flat();
          if (shuffle) rows.reverse();
          const trace = traceFromRows(rows, 'p');
          const n = trace.personCount;
          const x = new Float64Array(n),
            y = new Float64Array(n),
            present = new Uint8Array(n),
            venue = new Int32Array(n);
          people.forEach((track, p) => {
            const person = trace.indexOf(`p${p}`);
            track.forEach((row, k) => {
              trace.sample(row.tS, x, y, present, venue);
              expect([present[person], x[person], y[person]]).toEqual([1, row.xM, row.yM]);
              expect(venue[person]).toBe(row.venue === '' ? -1 : trace.venues.indexOf(row.venue));
              const next = track[k + 1];
              if (next === undefined) return;
              const tS = row.tS + fraction * (next.tS - row.tS);
              trace.sample(tS, x, y, present, venue);
              const px = x[person]!,
                py = y[person]!;
              const eps = 1e-9 * 2000;
              expect(px).toBeGreaterThanOrEqual(Math.min(row.xM, next.xM) - eps);
              expect(px).toBeLessThanOrEqual(Math.max(row.xM, next.xM) + eps);
              expect(py).toBeGreaterThanOrEqual(Math.min(row.yM, next.yM) - eps);
              expect(py).toBeLessThanOrEqual(Math.max(row.yM, next.yM) + eps);
              // On the segment: the cross product with its direction is ~0, and the fraction along it matches time.
              const cross = (next.xM - row.xM) * (py - row.yM) - (next.yM - row.yM) * (px - row.xM);
              expect(Math.abs(cross)).toBeLessThan(1e-6);
              if (next.xM !== row.xM)
                expect((px - row.xM) / (next.xM - row.xM)).toBeCloseTo(
                  (tS - row.tS) / (next.tS - row.tS),
                  9,
                );
            });
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sampling backwards (or in random order) gives what a forward sweep gives, presence included', () => {
    fc.assert(
      fc.property(
        tracks,
        fc.array(fc.double({ min: -30, max: 500, noNaN: true }), { minLength: 1, maxLength: 30 }),
        (people, times) => {
          const trace = traceFromRows(people.flat(), 'p');
          const forward = new Map<number, ReturnType<typeof sampleAt>>();
          const sweep = traceFromRows(people.flat(), 'p');
          for (const tS of [...times].sort((a, b) => a - b)) forward.set(tS, sampleAt(sweep, tS));
          for (const tS of times) expect(sampleAt(trace, tS)).toEqual(forward.get(tS));
          for (const tS of [...times].sort((a, b) => b - a))
            expect(sampleAt(trace, tS)).toEqual(forward.get(tS));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the CSV reader and traceFromRows agree for any column order', async () => {
    await fc.assert(
      fc.asyncProperty(
        tracks,
        fc.shuffledSubarray(['t', 'person', 'x', 'y', 'venue', 'note'], {
          minLength: 6,
          maxLength: 6,
        }),
        async (people, columns) => {
          const rows = people.flat();
          const cell = (r: (typeof rows)[number], c: string) =>
            c === 't'
              ? r.tS
              : c === 'person'
                ? r.person
                : c === 'x'
                  ? r.xM
                  : c === 'y'
                    ? r.yM
                    : c === 'venue'
                      ? r.venue
                      : 'n';
          const text = `${columns.join(',')}\n${rows.map((r) => columns.map((c) => cell(r, c)).join(',')).join('\n')}\n`;
          const fromFile = await traceOf(text, 'prop.csv');
          const fromRows = traceFromRows(rows, 'p');
          expect(fromFile.persons).toEqual(fromRows.persons);
          expect(fromFile.venues).toEqual(fromRows.venues);
          expect([
            ...fromFile.rowStart,
            ...fromFile.timeS,
            ...fromFile.xM,
            ...fromFile.yM,
            ...fromFile.venue,
          ]).toEqual([
            ...fromRows.rowStart,
            ...fromRows.timeS,
            ...fromRows.xM,
            ...fromRows.yM,
            ...fromRows.venue,
          ]);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('scale', () => {
  it('reads 10^6 gzipped rows and sweeps 10^5 people every second', async () => {
    const people = 100_000;
    const lines = ['t,person,x,y'];
    for (let t = 0; t < 10; t++)
      for (let p = 0; p < people; p++)
        lines.push(`${t * 60},p${p},${(p % 1000) + t},${Math.floor(p / 1000)}`);
    const path = join(dir, 'big.csv.gz');
    await writeFile(path, gzipSync(lines.join('\n')));
    const trace = await readTraceFile(path);
    expect(trace.rowCount).toBe(1_000_000);
    const x = new Float64Array(people),
      y = new Float64Array(people),
      present = new Uint8Array(people);
    for (let tS = 0; tS <= 540; tS++) trace.sample(tS, x, y, present);
    expect(x[999]).toBe(999 + 9);
    expect(present.every((v) => v === 1)).toBe(true);
  });
});
