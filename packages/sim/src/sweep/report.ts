/**
 * A sweep's `report.html`: one self-contained page of ECharts SSR SVG charts (as the run report),
 * each metric's mean per grid point with its 95 % confidence band: coverage against adoption with the
 * adoption² curve beside it, precision and recall per profile (per value of the other axes), tracing
 * recall. Same summary in, same bytes out.
 * @module
 */
import { loadEcharts } from '../report/echarts.js';
import { axisName, escapeHtml, pageHtml, renderSvg, type Section } from '../report/render.js';
import type { SweepSummary } from './summary.js';
import type { AxisValue, VaryAxis } from './types.js';

// Okabe–Ito, colour-blind safe, as the run report.
const PALETTE = [
  '#0072b2',
  '#e69f00',
  '#009e73',
  '#cc79a7',
  '#56b4e9',
  '#d55e00',
  '#f0e442',
  '#000000',
];
const COLOR_GREY = '#555555';
const WIDTH_PX = 560;
const HEIGHT_PX = 360;
const ADOPTION_PATH = 'people.adoption';

/** Context the report needs beyond the summary. */
export interface SweepReportContext {
  /** Base scenario name. */
  scenarioName: string;
  /** Adoption of the base scenario (used when adoption is not an axis). */
  baseAdoption: number;
}

interface Layout {
  /** The axis along x (adoption when varied, else the first all-numeric axis), or none. */
  x: VaryAxis | undefined;
  /** The other axes: one series per combination of their values. */
  groupAxes: VaryAxis[];
}

function layout(axes: readonly VaryAxis[]): Layout {
  const x =
    axes.find((a) => a.path === ADOPTION_PATH) ??
    axes.find((a) => a.values.every((v) => typeof v === 'number'));
  return { x, groupAxes: axes.filter((a) => a !== x) };
}

function label(axes: readonly VaryAxis[], params: Record<string, AxisValue>): string {
  return axes.map((a) => `${a.name}=${params[a.name]}`).join(', ');
}

const fmt = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? '–' : Number(v.toPrecision(4)).toString();

interface Series {
  name: string;
  /** [x, mean, low, high]; x a number on a value axis or a label on a category axis. */
  points: [number | string, number, number, number][];
}

/** One series per combination of the group axes, points along the x axis (or per grid point without one). */
function seriesOf(summary: SweepSummary, metric: string, lay: Layout): Series[] {
  const groups = new Map<string, Series>();
  for (const p of summary.points) {
    const s = p.metrics[metric];
    if (!s || s.n === 0) continue;
    const name = lay.x ? label(lay.groupAxes, p.params) || metric : metric;
    const x = lay.x
      ? (p.params[lay.x.name] as number)
      : label(summary.axes, p.params) || `point ${p.point}`;
    let g = groups.get(name);
    if (!g) groups.set(name, (g = { name, points: [] }));
    g.points.push([x, s.mean, s.ci95Low, s.ci95High]);
  }
  return [...groups.values()];
}

/**
 * A mean line per series with its 95 % CI as a band: an invisible lower line and the interval's width
 * stacked on it, filled (ECharts stacks by x value on a value axis, by index on a category axis).
 */
function bandSeries(series: Series[], metric: string): Record<string, unknown>[] {
  return series.flatMap((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const stack = `ci-${metric}-${i}`;
    // A point without an interval (one run) gets none drawn: its band collapses onto the mean.
    const low = s.points.map(([x, mean, lo]) => [x, Number.isFinite(lo) ? lo : mean]);
    const width = s.points.map(([x, , lo, hi]) => [
      x,
      Number.isFinite(lo) && Number.isFinite(hi) ? hi - lo : 0,
    ]);
    return [
      {
        type: 'line',
        name: `${s.name} CI low`,
        data: low,
        stack,
        symbol: 'none',
        silent: true,
        lineStyle: { opacity: 0 },
        itemStyle: { color },
      },
      {
        type: 'line',
        name: `${s.name} 95 % CI`,
        data: width,
        stack,
        symbol: 'none',
        silent: true,
        lineStyle: { opacity: 0 },
        areaStyle: { color, opacity: 0.18 },
        itemStyle: { color },
      },
      {
        type: 'line',
        name: s.name,
        data: s.points.map(([x, mean]) => [x, mean]),
        symbol: 'circle',
        symbolSize: 6,
        lineStyle: { color, width: 2 },
        itemStyle: { color },
      },
    ];
  });
}

function chartOption(
  series: Series[],
  metric: string,
  lay: Layout,
  yName: string,
  extra: Record<string, unknown>[],
  legendExtra: string[],
): Record<string, unknown> {
  const xAxis = lay.x
    ? { type: 'value', scale: true, ...axisName(lay.x.name), nameGap: 28 }
    : {
        type: 'category',
        data: series[0]?.points.map(([x]) => String(x)) ?? [],
        axisLabel: { interval: 0, rotate: 20, fontSize: 10 },
      };
  return {
    grid: { left: 64, right: 24, top: 48, bottom: 64 },
    legend: {
      top: 8,
      data: [...series.map((s) => s.name), ...legendExtra],
      textStyle: { fontSize: 11 },
    },
    xAxis,
    yAxis: { type: 'value', min: 0, ...axisName(yName), nameGap: 44 },
    series: [...bandSeries(series, metric), ...extra],
  };
}

function metricSection(
  summary: SweepSummary,
  lay: Layout,
  id: string,
  title: string,
  metric: string,
  yName: string,
  caption: string,
): Section {
  const series = seriesOf(summary, metric, lay);
  if (series.length === 0)
    return {
      id,
      title,
      body: { noData: `no finished run reports ${metric}` },
      captionHtml: escapeHtml(caption),
    };
  return {
    id,
    title,
    body: {
      svg: renderSvg(id, chartOption(series, metric, lay, yName, [], []), WIDTH_PX, HEIGHT_PX),
    },
    captionHtml: escapeHtml(caption),
  };
}

function coverageSection(summary: SweepSummary, lay: Layout, ctx: SweepReportContext): Section {
  const id = 'chart-coverage';
  const title = 'Coverage vs adoption';
  const series = seriesOf(summary, 'coverage', lay);
  if (series.length === 0)
    return { id, title, body: { noData: 'no finished run reports coverage' } };
  const extra: Record<string, unknown>[] = [];
  const legendExtra: string[] = [];
  let caption: string;
  if (lay.x?.path === ADOPTION_PATH) {
    const xs = lay.x.values as number[];
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    // adoption² is what coverage tends to with random adoption and perfect recall: both phones need the app.
    const curve = Array.from({ length: 41 }, (_, i) => {
      const a = lo + ((hi - lo) * i) / 40;
      return [Number(a.toPrecision(12)), Number((a * a).toPrecision(12))];
    });
    extra.push({
      type: 'line',
      name: 'adoption²',
      data: curve,
      symbol: 'none',
      silent: true,
      lineStyle: { color: COLOR_GREY, type: 'dashed', width: 1.5 },
      itemStyle: { color: COLOR_GREY },
    });
    legendExtra.push('adoption²');
    caption =
      'Mean coverage (true verdicts ÷ 2 × true close pairs) per adoption with its 95 % confidence band; the dashed curve is adoption², the coverage of a perfect detector with randomly chosen app users (coverage ≈ adoption² × recall).';
  } else {
    const a2 = ctx.baseAdoption * ctx.baseAdoption;
    extra.push({
      type: 'line',
      name: `adoption² = ${fmt(a2)}`,
      data: [],
      markLine: {
        silent: true,
        symbol: 'none',
        label: { formatter: `adoption² (${fmt(ctx.baseAdoption)}²)` },
        lineStyle: { color: COLOR_GREY, type: 'dashed' },
        data: [{ yAxis: Number(a2.toPrecision(12)) }],
      },
      itemStyle: { color: COLOR_GREY },
    });
    legendExtra.push(`adoption² = ${fmt(a2)}`);
    caption = `Adoption is not varied in this sweep (fixed at ${fmt(ctx.baseAdoption)}): coverage per grid point with its 95 % confidence band, adoption² as a dashed line. Add --vary adoption=… to see the curve.`;
  }
  return {
    id,
    title,
    body: {
      svg: renderSvg(
        id,
        chartOption(series, 'coverage', lay, 'coverage', extra, legendExtra),
        WIDTH_PX,
        HEIGHT_PX,
      ),
    },
    captionHtml: escapeHtml(caption),
  };
}

const TABLE_METRICS: [string, string][] = [
  ['coverage', 'coverage'],
  ['precision', 'precision'],
  ['recall', 'recall'],
  ['tracing.recall', 'tracing recall'],
];

function pointsTable(summary: SweepSummary): string {
  const head = [
    'point',
    ...summary.axes.map((a) => a.name),
    'runs ok',
    'failed',
    ...TABLE_METRICS.map(([, l]) => `${l} (95 % CI)`),
  ];
  const rows = summary.points.map((p) => {
    const cells = [
      String(p.point),
      ...summary.axes.map((a) => String(p.params[a.name])),
      String(p.runsOk),
      String(p.failed),
    ];
    for (const [m] of TABLE_METRICS) {
      const s = p.metrics[m];
      cells.push(s && s.n > 0 ? `${fmt(s.mean)} (${fmt(s.ci95Low)}–${fmt(s.ci95High)})` : '–');
    }
    return `<tr>${cells.map((c) => `<td class="value">${escapeHtml(c)}</td>`).join('')}</tr>`;
  });
  return `<table class="summary" id="summary">
<thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

/** Renders the sweep report as one self-contained HTML document (deterministic bytes). */
export async function renderSweepReport(
  summary: SweepSummary,
  ctx: SweepReportContext,
): Promise<string> {
  await loadEcharts();
  const lay = layout(summary.axes);
  const per =
    lay.groupAxes.length > 0 ? ` per ${lay.groupAxes.map((a) => a.name).join(' × ')}` : '';
  const along = lay.x ? ` against ${lay.x.name}` : ' per grid point';
  const sections: Section[] = [
    coverageSection(summary, lay, ctx),
    metricSection(
      summary,
      lay,
      'chart-precision',
      `Precision${along}${per}`,
      'precision',
      'precision',
      'Distance rule among app users: mean precision with its 95 % confidence band.',
    ),
    metricSection(
      summary,
      lay,
      'chart-recall',
      `Recall${along}${per}`,
      'recall',
      'recall',
      'Distance rule among app users: mean recall with its 95 % confidence band.',
    ),
    metricSection(
      summary,
      lay,
      'chart-tracing',
      `Tracing recall${along}${per}`,
      'tracing.recall',
      'tracing recall',
      'Share of true F1 contacts notified through the key-file path: mean with its 95 % confidence band.',
    ),
  ];
  const title = `Sweep ${summary.sweepId}: ${ctx.scenarioName}`;
  const subtitle = `${summary.axes.map((a) => `${a.name} ∈ {${a.values.join(', ')}}`).join(' × ') || 'no axis'}; ${summary.runs} runs per point, seed ${summary.seed}; ${summary.ok} ok, ${summary.failed} failed of ${summary.total}.`;
  return pageHtml(title, subtitle, pointsTable(summary), sections);
}
