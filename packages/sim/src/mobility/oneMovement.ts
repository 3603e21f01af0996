/**
 * The ONE simulator's external movement files (`ExternalMovement` / `input/ExternalMovementReader`) as
 * position traces, so `--trace` takes a trace of The ONE's walkers as it stores them:
 *
 * ```text
 * minTime maxTime minX maxX minY maxY [minZ maxZ]
 * time id x y
 * …
 * ```
 *
 * Fields are separated by blanks; lines starting with `#` and blank lines are skipped. As The ONE does,
 * times and positions are taken relative to the header's minima (positions relative to any origin give
 * the same distances). Files ending in `.gz` are gunzipped. Any other `--trace` file is CSV
 * (`t,person,x,y[,venue]`, see trace.ts).
 * @module
 */
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ScenarioError } from '../scenario/load.js';
import { readTraceFile, traceFromRows, type PositionTrace, type TraceRow } from './trace.js';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Whether a first line is The ONE's offset header: six to eight numbers separated by blanks. */
export function isOneMovementHeader(line: string): boolean {
  const fields = line.trim().split(/\s+/);
  return fields.length >= 6 && fields.length <= 8 && fields.every((f) => NUMBER.test(f));
}

/**
 * A trace from The ONE's external movement text (all of it in memory: tests, small files).
 * @throws ScenarioError `SOURCE:LINE: field: expected …, got …` for a bad header or row.
 */
export function oneMovementFromText(text: string, source: string): PositionTrace {
  const reader = new OneMovementReader(source);
  for (const line of text.split('\n')) reader.line(line);
  return reader.finish();
}

/** Reads a `--trace` file: The ONE's external movement format when its first line is that header, else CSV. */
export async function readAnyTraceFile(path: string): Promise<PositionTrace> {
  let first: string | undefined;
  let input: Readable | undefined;
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw ScenarioError.cannotRead(path, error);
  }
  const reader = new OneMovementReader(path);
  try {
    if ((await handle.stat()).isDirectory()) return await readTraceFile(path);
    const file = handle.createReadStream();
    input = path.toLowerCase().endsWith('.gz')
      ? pipeline(file, createGunzip(), () => undefined)
      : file;
    const lines = createInterface({ input, crlfDelay: Infinity });
    for await (const line of lines) {
      if (first === undefined) {
        first = line;
        if (!isOneMovementHeader(line.replace(/^\uFEFF/, ''))) break;
      }
      reader.line(line);
    }
  } catch (error) {
    if (error instanceof ScenarioError) throw error;
    if (first !== undefined && isOneMovementHeader(first.replace(/^\uFEFF/, '')))
      throw ScenarioError.cannotRead(path, error);
    // Unreadable or corrupt before a header was seen: the CSV reader reports it in its words.
    first = undefined;
  } finally {
    input?.destroy();
    await handle.close().catch(() => undefined);
  }
  if (first === undefined || !isOneMovementHeader(first.replace(/^\uFEFF/, '')))
    return readTraceFile(path);
  return reader.finish();
}

class OneMovementReader {
  private lineNo = 0;
  private header: number[] | undefined;
  private readonly rows: TraceRow[] = [];
  private readonly rowLines: number[] = [];

  constructor(private readonly source: string) {}

  line(raw: string): void {
    this.lineNo++;
    const line = (this.lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
    if (this.header === undefined) {
      if (!isOneMovementHeader(line)) {
        throw new ScenarioError(this.source, {
          line: this.lineNo,
          fieldPath: 'header',
          expected: 'The ONE offset header "minTime maxTime minX maxX minY maxY"',
          actual: JSON.stringify(line.slice(0, 60)),
        });
      }
      this.header = line.split(/\s+/).map(Number);
      return;
    }
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    if (fields.length !== 4)
      throw new ScenarioError(this.source, {
        line: this.lineNo,
        fieldPath: 'row',
        expected: '4 fields "time id x y"',
        actual: String(fields.length),
      });
    const [t, id, x, y] = fields as [string, string, string, string];
    const [minTime, , minX, , minY] = this.header;
    this.rows.push({
      tS: this.number(t, 'time') - minTime!,
      person: id,
      xM: this.number(x, 'x') - minX!,
      yM: this.number(y, 'y') - minY!,
    });
    this.rowLines.push(this.lineNo);
  }

  finish(): PositionTrace {
    if (this.header === undefined)
      throw new ScenarioError(this.source, {
        line: 1,
        fieldPath: 'header',
        expected: 'The ONE offset header',
        actual: 'an empty file',
      });
    try {
      return traceFromRows(this.rows, this.source);
    } catch (error) {
      // traceFromRows numbers rows as CSV lines under a header (index + 2); give this file's lines.
      if (error instanceof ScenarioError && error.line !== undefined) {
        throw new ScenarioError(this.source, {
          line: this.rowLines[error.line - 2] ?? error.line,
          fieldPath: error.fieldPath,
          expected: error.expected,
          actual: error.actual,
        });
      }
      throw error;
    }
  }

  private number(text: string, field: string): number {
    if (!NUMBER.test(text))
      throw new ScenarioError(this.source, {
        line: this.lineNo,
        fieldPath: field,
        expected: 'a finite number',
        actual: JSON.stringify(text.slice(0, 40)),
      });
    return Number(text);
  }
}
