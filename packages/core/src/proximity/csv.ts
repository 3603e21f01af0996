/**
 * CSV reading shared by proximity inputs (calibration tables, labelled rows), on papaparse: pure JS,
 * browser-safe, RFC 4180 quoting.
 * @module
 */
import Papa from 'papaparse';
import { ProxsenseError } from '../errors.js';

/** A CSV that cannot be used; names the source, the line and what was expected. */
export class CsvFormatError extends ProxsenseError {
  constructor(
    readonly source: string,
    readonly lineNumber: number | undefined,
    readonly problem: string,
  ) {
    super(`${source}${lineNumber === undefined ? '' : `:${lineNumber}`}: ${problem}`);
  }
}

/** Parsed CSV: header names (trimmed) and rows as string records, with their 1-based line numbers. */
export interface CsvTable {
  columns: string[];
  rows: Record<string, string>[];
  lineNumbers: number[];
}

/** Parses CSV text with a header row. Blank lines are skipped. @throws CsvFormatError */
export function parseCsv(text: string, source: string): CsvTable {
  const result = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), {
    skipEmptyLines: 'greedy',
    delimiter: ',',
  });
  const fatal = result.errors.find((e) => e.type === 'Quotes');
  if (fatal) throw new CsvFormatError(source, (fatal.row ?? 0) + 1, fatal.message);
  const [header, ...data] = result.data;
  if (!header) throw new CsvFormatError(source, undefined, 'empty file: expected a header row');
  const columns = header.map((c) => c.trim());
  // A repeated name would make the second cell overwrite the first in every row record.
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) throw new CsvFormatError(source, 1, `duplicate column "${c}" in the header`);
    seen.add(c);
  }
  const rows: Record<string, string>[] = [];
  const lineNumbers: number[] = [];
  data.forEach((cells, i) => {
    if (cells.length !== columns.length)
      throw new CsvFormatError(
        source,
        i + 2,
        `expected ${columns.length} fields as in the header, got ${cells.length}`,
      );
    const row: Record<string, string> = {};
    columns.forEach((c, j) => (row[c] = cells[j]!));
    rows.push(row);
    lineNumbers.push(i + 2);
  });
  return { columns, rows, lineNumbers };
}

/** Plain decimal notation only: no hex (`0x10`), binary, `Infinity`, `NaN` or empty strings. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses a decimal number (surrounding spaces allowed); `undefined` for anything else, including values
 * that overflow to ±Infinity (`1e400`). Use this instead of `Number()`, which reads `0x10` as 16 and
 * `' '` as 0.
 */
export function parseDecimal(raw: string): number | undefined {
  const text = raw.trim();
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Reads a numeric cell in plain decimal notation; `undefined` for an empty (or blank) optional cell.
 * @throws CsvFormatError naming the line and column
 */
export function numberCell(
  row: Record<string, string>,
  column: string,
  source: string,
  line: number,
  { required = false, min = -Infinity, max = Infinity } = {},
): number | undefined {
  const raw = row[column];
  if (raw === undefined || raw.trim() === '') {
    if (required)
      throw new CsvFormatError(
        source,
        line,
        `column "${column}": expected a number, got an empty cell`,
      );
    return undefined;
  }
  const value = parseDecimal(raw);
  if (value === undefined || value < min || value > max) {
    throw new CsvFormatError(
      source,
      line,
      `column "${column}": expected a number${Number.isFinite(min) ? ` ≥ ${min}` : ''}${Number.isFinite(max) ? ` ≤ ${max}` : ''}, got "${raw.length > 40 ? `${raw.slice(0, 40)}…` : raw}"`,
    );
  }
  return value;
}

/** Serialises rows (arrays aligned with `columns`) to CSV. */
export function formatCsv(columns: string[], values: unknown[][]): string {
  return Papa.unparse({ fields: columns, data: values }, { newline: '\n' }) + '\n';
}
