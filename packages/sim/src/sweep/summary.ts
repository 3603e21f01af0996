/**
 * What a sweep's runs add up to: per grid point and metric the mean, standard deviation and 95 %
 * confidence interval of the mean; and the two tables written from them, `runs.csv` and `summary.csv`.
 * Same records in ⇒ same bytes out (numbers as JavaScript's shortest round-trip decimal).
 * @module
 */
import { metricStats, type MetricStats } from './stats.js';
import type { AxisValue, RunRecord, RunScalars, VaryAxis } from './types.js';

/** One grid point's runs, summarised. */
export interface PointSummary {
  point: number;
  /** Axis values, by axis name. */
  params: Record<string, AxisValue>;
  /** Runs that finished (status ok). */
  runsOk: number;
  /** Runs that failed for good. */
  failed: number;
  /** Every numeric metric of the ok runs, in {@link SweepSummary.metrics} order. */
  metrics: Record<string, MetricStats>;
}

/** A sweep's summary: what `--json` prints and `summary.csv` holds. */
export interface SweepSummary {
  sweepId: string;
  dir: string;
  axes: VaryAxis[];
  runs: number;
  seed: number;
  /** Jobs in the sweep (points × runs). */
  total: number;
  ok: number;
  failed: number;
  /** Numeric scalars of results.json, in the order first met. */
  metrics: string[];
  points: PointSummary[];
}

/** Records sorted by point, then run: the order of every table. */
export function sortRecords(records: Iterable<RunRecord>): RunRecord[] {
  return [...records].sort((a, b) => a.point - b.point || a.run - b.run);
}

/** Scalar columns in a stable order: as first met over the sorted records. */
function scalarColumns(
  sorted: readonly RunRecord[],
  keep: (v: RunScalars[string]) => boolean,
): string[] {
  const seen = new Set<string>();
  for (const r of sorted)
    for (const [k, v] of Object.entries(r.results ?? {})) if (keep(v) && !seen.has(k)) seen.add(k);
  return [...seen];
}

/** Numeric metrics: columns holding a number (or null, a ratio with nothing to count) in every ok run. */
export function metricColumns(sorted: readonly RunRecord[]): string[] {
  const strings = new Set(scalarColumns(sorted, (v) => typeof v === 'string'));
  // The seed is an identity, not a measurement.
  return scalarColumns(sorted, (v) => v === null || typeof v === 'number').filter(
    (k) => !strings.has(k) && k !== 'seed',
  );
}

/**
 * Summarises `records` per grid point. `pointParams` lists every point of the grid (index = point) so
 * points with no record yet still appear.
 */
export function summarize(
  records: Iterable<RunRecord>,
  pointParams: readonly Record<string, AxisValue>[],
  meta: Omit<SweepSummary, 'ok' | 'failed' | 'metrics' | 'points'>,
): SweepSummary {
  const sorted = sortRecords(records);
  const metrics = metricColumns(sorted);
  const byPoint = pointParams.map(() => [] as RunRecord[]);
  for (const r of sorted) byPoint[r.point]?.push(r);
  const points = pointParams.map((params, point): PointSummary => {
    const rs = byPoint[point]!;
    const ok = rs.filter((r) => r.status === 'ok');
    const stats: Record<string, MetricStats> = {};
    for (const m of metrics) {
      stats[m] = metricStats(
        ok.map((r) => {
          const v = r.results?.[m];
          return typeof v === 'number' ? v : null;
        }),
      );
    }
    return { point, params, runsOk: ok.length, failed: rs.length - ok.length, metrics: stats };
  });
  return {
    ...meta,
    ok: sorted.filter((r) => r.status === 'ok').length,
    failed: sorted.filter((r) => r.status !== 'ok').length,
    metrics,
    points,
  };
}

/** A CSV cell: numbers as shortest round-trip decimals, NaN/null/absent empty, text quoted when needed (RFC 4180). */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'object') text = JSON.stringify(value);
  else if (typeof value === 'boolean' || typeof value === 'bigint') text = String(value);
  else text = typeof value;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLines(rows: unknown[][]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

/** `runs.csv`: one row per run (sorted by point, run): identity, status, axes, every scalar. */
export function runsCsv(records: Iterable<RunRecord>, axes: readonly VaryAxis[]): string {
  const sorted = sortRecords(records);
  const fixed = [
    'runId',
    'point',
    'run',
    'seed',
    'status',
    'error',
    'attempts',
    ...axes.map((a) => a.name),
  ];
  // results.json repeats some of these (seed, adoption, profile, phones): the same values, one column each.
  const scalars = scalarColumns(sorted, () => true).filter((k) => !fixed.includes(k));
  const header = [...fixed, ...scalars];
  const rows = sorted.map((r) => [
    r.runId,
    r.point,
    r.run,
    r.seed,
    r.status,
    r.error ?? '',
    r.attempts,
    ...axes.map((a) => r.params[a.name]),
    ...scalars.map((k) => r.results?.[k]),
  ]);
  return csvLines([header, ...rows]);
}

/** `summary.csv`: per point the axes, runs ok and failed, then `<m>.mean,<m>.sd,<m>.ci95Low,<m>.ci95High` per metric. */
export function summaryCsv(summary: SweepSummary): string {
  const header = [
    'point',
    ...summary.axes.map((a) => a.name),
    'runsOk',
    'failed',
    ...summary.metrics.flatMap((m) => [`${m}.mean`, `${m}.sd`, `${m}.ci95Low`, `${m}.ci95High`]),
  ];
  const rows = summary.points.map((p) => [
    p.point,
    ...summary.axes.map((a) => p.params[a.name]),
    p.runsOk,
    p.failed,
    ...summary.metrics.flatMap((m) => {
      const s = p.metrics[m];
      return s ? [s.mean, s.sd, s.ci95Low, s.ci95High] : [null, null, null, null];
    }),
  ]);
  return csvLines([header, ...rows]);
}
