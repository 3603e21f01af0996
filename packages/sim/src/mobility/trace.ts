/**
 * Recorded positions (`--trace FILE.csv[.gz]`): people's tracks read from a CSV file and replayed by
 * linear interpolation, instead of a simulated world moving them.
 *
 * Format: a header naming at least `t,person,x,y` in any order (optional `venue`; other columns are
 * ignored), then one row per person and time: `t` in seconds (fractions allowed), `x`/`y` in metres,
 * `person` any non-empty name, `venue` a name or empty. Rows may come in any order. Files ending in
 * `.gz` are gunzipped while streaming.
 *
 * Storage is structure-of-arrays (kdbush-style): every person's rows are one contiguous range of typed
 * arrays sorted by time, so sampling 10^5 people every simulated second touches only flat arrays.
 * @module
 */
import { open } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError } from '@proxsense/core';
import { ScenarioError } from '../scenario/load.js';

/** One position of one person, as `traceFromRows` takes it. */
export interface TraceRow {
  /** Time, s. */
  tS: number;
  /** Person's name (non-empty). */
  person: string;
  /** East coordinate, m. */
  xM: number;
  /** North coordinate, m. */
  yM: number;
  /** Venue the person is in; undefined or `''` for none. */
  venue?: string | undefined;
}

/**
 * People's recorded tracks. Rows of person `p` are `rowStart[p] … rowStart[p + 1] − 1`, sorted by time.
 * Build with {@link readTraceFile} or {@link traceFromRows}.
 */
export class PositionTrace {
  /** People in order of their first row in the input; index = person number in `sample`'s arrays. */
  readonly persons: readonly string[];
  /** Venue names; `venue[i]` indexes this list (−1: no venue). */
  readonly venues: readonly string[];
  /** Start of each person's rows, plus the total at the end (length `persons.length + 1`). */
  readonly rowStart: Uint32Array;
  readonly timeS: Float64Array;
  readonly xM: Float64Array;
  readonly yM: Float64Array;
  readonly venue: Int32Array;
  /** First and last time of any row, s. */
  readonly startS: number;
  readonly endS: number;
  /** Bounding box of all rows, m. */
  readonly minXM: number;
  readonly minYM: number;
  readonly maxXM: number;
  readonly maxYM: number;
  /** Per person, the row at or before the last sampled time: makes a forward sweep O(persons) a call. */
  private readonly cursor: Uint32Array;
  private lastSampleS = Number.NEGATIVE_INFINITY;
  private personIndex: Map<string, number> | undefined;

  /** @internal Use {@link readTraceFile} or {@link traceFromRows}; the arrays must be grouped and sorted. */
  constructor(
    persons: readonly string[],
    venues: readonly string[],
    rowStart: Uint32Array,
    timeS: Float64Array,
    xM: Float64Array,
    yM: Float64Array,
    venue: Int32Array,
  ) {
    this.persons = persons;
    this.venues = venues;
    this.rowStart = rowStart;
    this.timeS = timeS;
    this.xM = xM;
    this.yM = yM;
    this.venue = venue;
    let startS = Infinity,
      endS = -Infinity,
      minX = Infinity,
      minY = Infinity,
      maxX = -Infinity,
      maxY = -Infinity;
    for (let i = 0; i < timeS.length; i++) {
      const t = timeS[i]!,
        x = xM[i]!,
        y = yM[i]!;
      if (t < startS) startS = t;
      if (t > endS) endS = t;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    this.startS = startS;
    this.endS = endS;
    this.minXM = minX;
    this.minYM = minY;
    this.maxXM = maxX;
    this.maxYM = maxY;
    this.cursor = rowStart.slice(0, persons.length);
  }

  /** Number of people. */
  get personCount(): number {
    return this.persons.length;
  }

  /** Number of rows kept (exact duplicate rows are stored once). */
  get rowCount(): number {
    return this.timeS.length;
  }

  /** Width of the bounding box of all positions, m. */
  get widthM(): number {
    return this.maxXM - this.minXM;
  }

  /** Height of the bounding box of all positions, m. */
  get heightM(): number {
    return this.maxYM - this.minYM;
  }

  /** Person number of `name`, or −1. */
  indexOf(name: string): number {
    this.personIndex ??= new Map(this.persons.map((p, i) => [p, i]));
    return this.personIndex.get(name) ?? -1;
  }

  /**
   * Writes every person's position at `tS` into `xM`/`yM` (m), linearly interpolated between the rows
   * around `tS`. `present[p]` is 1 from the person's first row to their last, inclusive, else 0 (and
   * x/y are NaN). `venue[p]`, when given, is the venue of the row at or before `tS` (−1: none or absent).
   * Increasing `tS` from call to call costs O(persons + rows passed); going backwards binary-searches.
   * Allocates nothing.
   */
  sample(
    tS: number,
    xM: Float64Array,
    yM: Float64Array,
    present: Uint8Array,
    venue?: Int32Array,
  ): void {
    const n = this.persons.length;
    if (!Number.isFinite(tS)) throw new InputError('tS', 'a finite time in seconds', String(tS));
    if (
      xM.length < n ||
      yM.length < n ||
      present.length < n ||
      (venue !== undefined && venue.length < n)
    ) {
      throw new InputError(
        'sample arrays',
        `at least ${n} entries (one per person)`,
        `${Math.min(xM.length, yM.length, present.length, venue?.length ?? n)}`,
      );
    }
    const { rowStart, timeS, xM: rowX, yM: rowY, venue: rowVenue, cursor } = this;
    const forward = tS >= this.lastSampleS;
    this.lastSampleS = tS;
    for (let p = 0; p < n; p++) {
      const first = rowStart[p]!;
      const last = rowStart[p + 1]! - 1;
      if (tS < timeS[first]! || tS > timeS[last]!) {
        cursor[p] = tS < timeS[first]! ? first : last;
        present[p] = 0;
        xM[p] = NaN;
        yM[p] = NaN;
        if (venue !== undefined) venue[p] = -1;
        continue;
      }
      let c: number;
      if (forward) {
        c = cursor[p]!;
        while (c < last && timeS[c + 1]! <= tS) c++;
      } else {
        // Last row with time ≤ tS in [first, last]; timeS[first] ≤ tS holds here.
        let lo = first,
          hi = last;
        while (lo < hi) {
          const mid = (lo + hi + 1) >>> 1;
          if (timeS[mid]! <= tS) lo = mid;
          else hi = mid - 1;
        }
        c = lo;
      }
      cursor[p] = c;
      present[p] = 1;
      const t0 = timeS[c]!;
      if (t0 === tS || c === last) {
        xM[p] = rowX[c]!;
        yM[p] = rowY[c]!;
      } else {
        const f = (tS - t0) / (timeS[c + 1]! - t0);
        xM[p] = rowX[c]! + f * (rowX[c + 1]! - rowX[c]!);
        yM[p] = rowY[c]! + f * (rowY[c + 1]! - rowY[c]!);
      }
      if (venue !== undefined) venue[p] = rowVenue[c]!;
    }
  }
}

/**
 * Builds a trace from rows in memory (tests, generated tracks). Rows are checked like file rows; errors
 * name line `index + 2`, the line the row would have in a CSV file under its header.
 * @throws ScenarioError for non-finite numbers, an empty person, no rows, or conflicting rows.
 */
export function traceFromRows(rows: Iterable<TraceRow>, source: string): PositionTrace {
  const collector = new RowCollector(source);
  let line = 1;
  for (const row of rows) {
    line++;
    const fields: Array<[string, number]> = [
      ['t', row.tS],
      ['x', row.xM],
      ['y', row.yM],
    ];
    for (const [name, value] of fields) {
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new ScenarioError(source, {
          line,
          fieldPath: name,
          expected: 'a finite number',
          actual: String(value),
        });
    }
    if (typeof row.person !== 'string' || row.person === '')
      throw new ScenarioError(source, {
        line,
        fieldPath: 'person',
        expected: 'a non-empty name',
        actual: JSON.stringify(row.person ?? null),
      });
    collector.add(row.tS, row.person, row.xM, row.yM, row.venue ?? '', line);
  }
  return collector.build();
}

const REQUIRED_COLUMNS = ['t', 'person', 'x', 'y'] as const;

/**
 * Reads a position trace CSV (gzipped when the name ends in `.gz`), streaming: 10^6 rows are fine.
 * @param path the file, as the user gave it (the `source` of every error).
 * @throws ScenarioError `FILE:LINE: field: expected …, got …` for bad content, `FILE: cannot read: …`
 * for a missing, unreadable or corrupt (gzip) file.
 */
export async function readTraceFile(path: string): Promise<PositionTrace> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw ScenarioError.cannotRead(path, error);
  }
  let input: Readable;
  try {
    if ((await handle.stat()).isDirectory())
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    const file = handle.createReadStream();
    // pipeline forwards a read error or a gzip data error to the stream we iterate.
    input = path.toLowerCase().endsWith('.gz')
      ? pipeline(file, createGunzip(), () => undefined)
      : file;
  } catch (error) {
    await handle.close();
    throw ScenarioError.cannotRead(path, error);
  }
  const reader = new CsvTraceReader(path);
  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of input)
      reader.push(decoder.decode(chunk as Uint8Array, { stream: true }));
    reader.push(decoder.decode());
  } catch (error) {
    if (error instanceof ScenarioError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    // zlib's errors (Z_DATA_ERROR, Z_BUF_ERROR) carry messages like "incorrect header check".
    throw code?.startsWith('Z_')
      ? new ScenarioError(path, {
          expected: 'a gzip file',
          actual: (error as Error).message,
          problem: `cannot read: gzip: ${(error as Error).message}`,
        })
      : ScenarioError.cannotRead(path, error);
  } finally {
    input.destroy();
    await handle.close().catch(() => undefined);
  }
  return reader.finish();
}

// ---------------------------------------------------------------------------------------------------------

/** Decimal numbers only: no hex, no `Infinity`, no empty string (Number() would take all three). */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Line-oriented CSV (RFC 4180 quoting, `\n` or `\r\n`) fed in text chunks, rows into a RowCollector. */
class CsvTraceReader {
  private pending = '';
  private lineNo = 0;
  /** A quoted field spanning lines: the record so far and the line it started on. */
  private partial: string | undefined;
  private partialLine = 0;
  private header: string[] | undefined;
  private columnT = -1;
  private columnPerson = -1;
  private columnX = -1;
  private columnY = -1;
  private columnVenue = -1;
  private readonly collector: RowCollector;

  constructor(private readonly source: string) {
    this.collector = new RowCollector(source);
  }

  push(text: string): void {
    if (text === '') return;
    if (this.lineNo === 0 && this.pending === '' && text.charCodeAt(0) === 0xfeff)
      text = text.slice(1);
    const lines = (this.pending + text).split('\n');
    this.pending = lines.pop()!;
    for (const line of lines) this.line(line);
  }

  finish(): PositionTrace {
    if (this.pending !== '') this.line(this.pending);
    this.pending = '';
    if (this.partial !== undefined)
      throw new ScenarioError(this.source, {
        line: this.partialLine,
        fieldPath: 'row',
        expected: 'a closing quote',
        actual: 'the end of the file',
      });
    if (this.header === undefined)
      throw new ScenarioError(this.source, {
        line: 1,
        fieldPath: 'header',
        expected: `columns ${REQUIRED_COLUMNS.join(', ')}`,
        actual: 'an empty file',
      });
    return this.collector.build();
  }

  private line(rawLine: string): void {
    this.lineNo++;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    let record = line;
    let recordLine = this.lineNo;
    if (this.partial !== undefined) {
      record = `${this.partial}\n${line}`;
      recordLine = this.partialLine;
    }
    const fields = splitCsvRecord(record);
    if (fields === undefined) {
      this.partial = record;
      this.partialLine = recordLine;
      return;
    }
    this.partial = undefined;
    if (fields.length === 1 && fields[0] === '') return; // blank line
    if (this.header === undefined) this.readHeader(fields, recordLine);
    else this.readRow(fields, recordLine);
  }

  private readHeader(fields: string[], line: number): void {
    const names = fields.map((f) => f.toLowerCase());
    const seen = new Set<string>();
    for (const name of names) {
      if (
        seen.has(name) &&
        (REQUIRED_COLUMNS as readonly string[]).concat('venue').includes(name)
      ) {
        throw new ScenarioError(this.source, {
          line,
          fieldPath: 'header',
          expected: 'each column once',
          actual: `"${name}" twice`,
        });
      }
      seen.add(name);
    }
    if (!REQUIRED_COLUMNS.every((c) => seen.has(c))) {
      throw new ScenarioError(this.source, {
        line,
        fieldPath: 'header',
        expected: `columns ${REQUIRED_COLUMNS.join(', ')}`,
        actual: fields.join(', '),
      });
    }
    this.header = names;
    this.columnT = names.indexOf('t');
    this.columnPerson = names.indexOf('person');
    this.columnX = names.indexOf('x');
    this.columnY = names.indexOf('y');
    this.columnVenue = names.indexOf('venue');
  }

  private readRow(fields: string[], line: number): void {
    const width = this.header!.length;
    if (fields.length !== width)
      throw new ScenarioError(this.source, {
        line,
        fieldPath: 'row',
        expected: `${width} fields as in the header`,
        actual: String(fields.length),
      });
    const tS = this.number(fields[this.columnT]!, 't', line);
    const person = fields[this.columnPerson]!;
    if (person === '')
      throw new ScenarioError(this.source, {
        line,
        fieldPath: 'person',
        expected: 'a non-empty name',
        actual: '""',
      });
    const xM = this.number(fields[this.columnX]!, 'x', line);
    const yM = this.number(fields[this.columnY]!, 'y', line);
    const venue = this.columnVenue < 0 ? '' : fields[this.columnVenue]!;
    this.collector.add(tS, person, xM, yM, venue, line);
  }

  private number(text: string, field: string, line: number): number {
    const value = DECIMAL.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(value))
      throw new ScenarioError(this.source, {
        line,
        fieldPath: field,
        expected: 'a finite number',
        actual: JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text),
      });
    return value;
  }
}

/**
 * Splits one CSV record; unquoted fields are trimmed. Returns undefined when a quoted field is still
 * open at the end (the record continues on the next line).
 */
function splitCsvRecord(record: string): string[] | undefined {
  if (!record.includes('"')) {
    const fields = record.split(',');
    for (let i = 0; i < fields.length; i++) fields[i] = fields[i]!.trim();
    return fields;
  }
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (record[i] === ' ' || record[i] === '\t') i++;
    if (record[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = record.indexOf('"', j);
        if (q < 0) return undefined;
        value += record.slice(j, q);
        if (record[q + 1] === '"') {
          value += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      fields.push(value);
      const comma = record.indexOf(',', j);
      // Anything but blanks between the closing quote and the comma is malformed; keep it visible.
      const rest = record.slice(j, comma < 0 ? record.length : comma).trim();
      if (rest !== '') fields[fields.length - 1] = `${value}${rest}`;
      if (comma < 0) return fields;
      i = comma + 1;
    } else {
      const comma = record.indexOf(',', i);
      fields.push(record.slice(i, comma < 0 ? record.length : comma).trim());
      if (comma < 0) return fields;
      i = comma + 1;
    }
  }
}

/** Growable columns of rows in input order, grouped and sorted by `build`. */
class RowCollector {
  private n = 0;
  private tS = new Float64Array(1024);
  private xM = new Float64Array(1024);
  private yM = new Float64Array(1024);
  private person = new Int32Array(1024);
  private venue = new Int32Array(1024);
  private line = new Uint32Array(1024);
  private readonly personIds = new Map<string, number>();
  private readonly persons: string[] = [];
  private readonly venueIds = new Map<string, number>();
  private readonly venues: string[] = [];

  constructor(private readonly source: string) {}

  add(tS: number, person: string, xM: number, yM: number, venue: string, line: number): void {
    if (this.n === this.tS.length) this.grow();
    let p = this.personIds.get(person);
    if (p === undefined) {
      p = this.persons.length;
      this.personIds.set(person, p);
      this.persons.push(person);
    }
    let v = -1;
    if (venue !== '') {
      v = this.venueIds.get(venue) ?? -1;
      if (v < 0) {
        v = this.venues.length;
        this.venueIds.set(venue, v);
        this.venues.push(venue);
      }
    }
    const i = this.n++;
    this.tS[i] = tS;
    this.xM[i] = xM;
    this.yM[i] = yM;
    this.person[i] = p;
    this.venue[i] = v;
    this.line[i] = line;
  }

  private grow(): void {
    const size = this.tS.length * 2;
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.tS = f64(this.tS);
    this.xM = f64(this.xM);
    this.yM = f64(this.yM);
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.person = i32(this.person);
    this.venue = i32(this.venue);
    const line = new Uint32Array(size);
    line.set(this.line);
    this.line = line;
  }

  build(): PositionTrace {
    const { n, tS, xM, yM, person, venue, line } = this;
    if (n === 0)
      throw new ScenarioError(this.source, {
        expected: `rows of ${REQUIRED_COLUMNS.join(', ')} after the header`,
        actual: 'none',
      });
    const personCount = this.persons.length;
    // Counting sort by person keeps file order within a person, so most traces need no further sorting.
    const start = new Uint32Array(personCount + 1);
    for (let i = 0; i < n; i++) start[person[i]! + 1]!++;
    for (let p = 0; p < personCount; p++) start[p + 1]! += start[p]!;
    const fill = start.slice(0, personCount);
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[fill[person[i]!]!++] = i;
    for (let p = 0; p < personCount; p++) {
      const range = order.subarray(start[p], start[p + 1]);
      let sorted = true;
      for (let k = 1; k < range.length && sorted; k++)
        sorted = tS[range[k - 1]!]! <= tS[range[k]!]!;
      if (!sorted) range.sort((a, b) => tS[a]! - tS[b]! || line[a]! - line[b]!);
    }
    // Gather, storing a row repeated exactly (same person, time, place, venue) once.
    const outT = new Float64Array(n),
      outX = new Float64Array(n),
      outY = new Float64Array(n),
      outV = new Int32Array(n);
    const rowStart = new Uint32Array(personCount + 1);
    let m = 0;
    for (let p = 0; p < personCount; p++) {
      rowStart[p] = m;
      for (let k = start[p]!; k < start[p + 1]!; k++) {
        const i = order[k]!;
        if (m > rowStart[p]! && outT[m - 1] === tS[i]) {
          if (outX[m - 1] === xM[i] && outY[m - 1] === yM[i] && outV[m - 1] === venue[i]) continue;
          const j = order[k - 1]!;
          throw new ScenarioError(this.source, {
            line: line[i]!,
            fieldPath: 't',
            expected: `one position of ${JSON.stringify(this.persons[p])} at t = ${tS[i]}`,
            actual: `${this.place(i)} here and ${this.place(j)} on line ${line[j]}`,
          });
        }
        outT[m] = tS[i]!;
        outX[m] = xM[i]!;
        outY[m] = yM[i]!;
        outV[m] = venue[i]!;
        m++;
      }
    }
    rowStart[personCount] = m;
    const trim = <A extends Float64Array | Int32Array>(a: A): A =>
      m === n ? a : (a.slice(0, m) as A);
    return new PositionTrace(
      this.persons,
      this.venues,
      rowStart,
      trim(outT),
      trim(outX),
      trim(outY),
      trim(outV),
    );
  }

  private place(i: number): string {
    const v = this.venue[i]!;
    return `(${this.xM[i]}, ${this.yM[i]})${v < 0 ? '' : ` in ${JSON.stringify(this.venues[v])}`}`;
  }
}
