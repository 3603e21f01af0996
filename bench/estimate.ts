/**
 * `estimate` throughput: rows/s through attenuation, distance intervals and per-ID filtering, against
 * the baseline of merely parsing and writing the same CSV in the same run (the I/O floor).
 */
import { estimateRows, formatCsv, parseCsv, SeededRandom } from '@proxsense/core';

export function runEstimateBench({
  rows = 200_000,
  quiet = 0,
}: { rows?: number; quiet?: number } = {}) {
  const log = quiet ? () => {} : (line: string) => console.log(line);
  const random = new SeededRandom(5);
  const lines = ['t,id,rssi,tx,model'];
  for (let i = 0; i < rows; i++)
    lines.push(
      `${1_595_200_000_000 + i * 1000},id-${i % 500},${-40 - Math.floor(random.nextFloat() * 60)},-24,Pixel 4a`,
    );
  const text = lines.join('\n') + '\n';

  let t0 = performance.now();
  const table = parseCsv(text, 'bench.csv');
  formatCsv(
    table.columns,
    table.rows.map((r) => table.columns.map((c) => r[c])),
  );
  const ioS = (performance.now() - t0) / 1000;

  const result = { kalman: 0, median: 0 };
  for (const filter of ['kalman', 'median'] as const) {
    t0 = performance.now();
    const t = parseCsv(text, 'bench.csv');
    const out = estimateRows(t, 'bench.csv', { filter });
    formatCsv(out.columns, out.values);
    result[filter] = rows / ((performance.now() - t0) / 1000);
  }
  const ioPerS = rows / ioS;
  log(`estimate: io-only ${(ioPerS / 1e3).toFixed(0)} k rows/s (parse + write the CSV, the floor)`);
  for (const filter of ['kalman', 'median'] as const)
    log(
      `estimate: ${filter.padEnd(7)} ${(result[filter] / 1e3).toFixed(0)} k rows/s = ${(result[filter] / ioPerS).toFixed(2)} × io-only (${rows.toLocaleString('en-US')} rows, 500 IDs)`,
    );
  return { ioPerS, ...result };
}
