/**
 * `report.html`: one self-contained page (no scripts, fonts, styles or images fetched) whose charts are
 * ECharts rendered server-side to SVG and inlined. Same {@link ReportData} in, same bytes out.
 * @module
 */
import { loadEcharts, loadedEcharts } from './echarts.js';
import type { ReportData, Track, VenueRect, VenueWall } from './reportData.js';

/** How the page is drawn; every field has a default. */
export interface RenderReportOptions {
  /** Width of one chart, px (default 560: two charts side by side fit a 1200 px container). */
  chartWidthPx?: number;
  /** Height of one chart, px (default 360). */
  chartHeightPx?: number;
  /** Points kept per series; more are thinned with a fixed stride (default 5000). Keeps the file small. */
  maxPointsPerSeries?: number;
  /** Walls get their loss in dB as a label only up to this many (default 40); beyond, labels clutter. */
  maxWallLabels?: number;
  /**
   * The venue map draws its walls only up to this many (default 2000): a district's tens of thousands,
   * at well under a pixel per metre, cover its rooms in black and weigh megabytes. Beyond, the rooms
   * alone outline the venues and the caption says so.
   */
  maxMapWalls?: number;
  /** The venue map draws at most this many rooms / areas, every k-th beyond (default 5000). */
  maxMapAreas?: number;
}

type Opts = Required<RenderReportOptions>;
type EChartsOption = Record<string, unknown>;

const DEFAULTS: Opts = {
  chartWidthPx: 560,
  chartHeightPx: 360,
  maxPointsPerSeries: 5000,
  maxWallLabels: 40,
  maxMapWalls: 2000,
  maxMapAreas: 5000,
};

/** One chart section: either inline SVG or a "no data" reason. */
export interface Section {
  id: string;
  title: string;
  body: { svg: string } | { noData: string };
  /** Already-escaped HTML shown under the chart. */
  captionHtml?: string;
  wide?: boolean;
}

// Colour-blind-safe pair (Okabe–Ito) so app users and non-users differ in more than hue alone.
const COLOR_A = '#0072b2';
const COLOR_B = '#e69f00';
const COLOR_GREY = '#555555';
const TEXT_STYLE = { fontFamily: 'sans-serif' };

/**
 * Renders the simulation report as one self-contained HTML document.
 *
 * Charts are ECharts SVG (server-side rendering), inlined; nothing is fetched when the page opens, so it
 * works offline and can be attached to a ticket. Every string from `data` is HTML-escaped. Missing data
 * (no sightings, no contacts, an empty venue) gives a "no data" note in place of that chart, never an
 * exception. The output is deterministic: the same data and options give the same bytes.
 *
 * @example
 * ```ts
 * writeFileSync('report.html', await renderReport(reportData));
 * ```
 */
export async function renderReport(
  data: ReportData,
  options: RenderReportOptions = {},
): Promise<string> {
  await loadEcharts();
  const opts: Opts = { ...DEFAULTS, ...options };
  const sections: Section[] = [
    distanceSection(data.distance, opts),
    thresholdSection(data.thresholdSweep, opts),
    durationScatterSection(data.durations, opts),
    durationHistogramSection(data.durations, opts),
    mapSection(data.map, opts),
    tracingSection(data.tracing, opts),
  ];
  return page(data, sections);
}

// ---------------------------------------------------------------------------------------------------
// Page

function page(data: ReportData, sections: Section[]): string {
  return pageHtml(data.title, data.subtitle, summaryTable(data.summary), sections);
}

/** The self-contained page around a report's sections: title, subtitle, a table above the charts. Also the sweep report's. */
export function pageHtml(
  title: string,
  subtitle: string,
  tableHtml: string,
  sections: Section[],
): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main class="container">
<header>
<h1>${escapeHtml(title)}</h1>
<p class="subtitle">${escapeHtml(subtitle)}</p>
</header>
${tableHtml}
<div class="grid">
${sections.map(sectionHtml).join('\n')}
</div>
</main>
</body>
</html>
`;
}

export const CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#222;background:#f6f7f9;line-height:1.4}
.container{max-width:1200px;margin:0 auto;padding:16px 20px 40px}
h1{font-size:1.5rem;margin:0 0 4px}
h2{font-size:1.05rem;margin:0 0 8px}
.subtitle{color:#555;margin:0 0 16px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:16px}
.chart{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:12px;min-width:0}
.chart.wide{grid-column:1/-1}
.chart-body svg{display:block;max-width:100%;height:auto;margin:0 auto}
.no-data{color:#8a5a00;background:#fff8e6;border:1px dashed #e0b050;border-radius:4px;padding:24px;text-align:center;margin:0}
#summary-empty{margin:0 0 16px}
.caption{color:#444;font-size:.9rem;margin:8px 0 0}
table.summary{border-collapse:collapse;background:#fff;margin:0 0 16px;width:100%;border:1px solid #dde1e6}
table.summary th,table.summary td{text-align:left;padding:6px 10px;border-bottom:1px solid #eceef1;vertical-align:top}
table.summary td.value{font-variant-numeric:tabular-nums;white-space:nowrap}
table.summary td.note{color:#555}
`;

function summaryTable(rows: ReportData['summary']): string {
  if (rows.length === 0)
    return '<p class="no-data" id="summary-empty">No data: the summary is empty.</p>';
  const body = rows
    .map(
      (r) =>
        `<tr><th scope="row">${escapeHtml(r.label)}</th><td class="value">${escapeHtml(r.value)}</td><td class="note">${escapeHtml(r.note ?? '')}</td></tr>`,
    )
    .join('\n');
  return `<table class="summary" id="summary">
<thead><tr><th scope="col">Quantity</th><th scope="col">Value</th><th scope="col">Note</th></tr></thead>
<tbody>
${body}
</tbody>
</table>`;
}

export function sectionHtml(s: Section): string {
  const body =
    'svg' in s.body ? s.body.svg : `<p class="no-data">No data: ${escapeHtml(s.body.noData)}</p>`;
  const caption = s.captionHtml === undefined ? '' : `\n<p class="caption">${s.captionHtml}</p>`;
  const cls = s.wide === true ? 'chart wide' : 'chart';
  return `<section class="${cls}" id="${s.id}" data-chart="${'svg' in s.body ? 'svg' : 'no-data'}">
<h2>${escapeHtml(s.title)}</h2>
<div class="chart-body">${body}</div>${caption}
</section>`;
}

/** HTML-escapes text for element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

// ---------------------------------------------------------------------------------------------------
// ECharts SSR

/**
 * One chart to an SVG string. zrender numbers its ids (`zr3-c0`, `zr3-cls-12`) from process-wide
 * counters, so the same chart rendered twice differs; the ids are renamed per chart in order of first
 * appearance, which makes them stable and unique within the page.
 */
export function renderSvg(
  idPrefix: string,
  option: EChartsOption,
  widthPx: number,
  heightPx: number,
): string {
  const chart = loadedEcharts().init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: widthPx,
    height: heightPx,
  });
  try {
    chart.setOption({ animation: false, textStyle: TEXT_STYLE, ...option });
    return stableIds(idPrefix, chart.renderToSVGString());
  } finally {
    chart.dispose();
  }
}

function stableIds(idPrefix: string, svg: string): string {
  const renamed = new Map<string, string>();
  const perKind = new Map<string, number>();
  return (
    svg
      .replace(/\bzr\d+-(cls-|ani-|[a-z])(\d+)\b/g, (token, kind: string) => {
        let name = renamed.get(token);
        if (name === undefined) {
          const n = perKind.get(kind) ?? 0;
          perKind.set(kind, n + 1);
          name = `${idPrefix}-${kind.replace(/-$/, '')}${n}`;
          renamed.set(token, name);
        }
        return name;
      })
      // Hydration metadata for echarts/ssr/client, which this page does not load: bytes for nothing.
      .replace(/ ecmeta_[a-z_]+="[^"]*"/g, '')
  );
}

export function axisName(name: string): Record<string, unknown> {
  return { name, nameLocation: 'middle', nameTextStyle: { fontSize: 12, color: '#333' } };
}

// ---------------------------------------------------------------------------------------------------
// Distance: true vs estimated

function distanceSection(d: ReportData['distance'], opts: Opts): Section {
  const id = 'chart-distance';
  const title = 'Estimated vs true distance';
  const points: [number, number][] = [];
  const n = Math.min(d.trueM.length, d.estimatedM.length);
  for (let i = 0; i < n; i++) {
    const t = d.trueM[i] ?? NaN;
    const e = d.estimatedM[i] ?? NaN;
    // Log axes cannot place 0 or negatives; such points are counted in the caption, not hidden silently.
    if (Number.isFinite(t) && Number.isFinite(e) && t > 0 && e > 0) points.push([t, e]);
  }
  if (points.length === 0)
    return { id, title, body: { noData: 'no sightings with a true and an estimated distance.' } };
  const shown = subsample(points, opts.maxPointsPerSeries);
  let lo = Infinity;
  let hi = -Infinity;
  for (const [t, e] of points) {
    lo = Math.min(lo, t, e);
    hi = Math.max(hi, t, e);
  }
  const minM = 10 ** Math.floor(Math.log10(lo));
  const maxM = Math.max(10 ** Math.ceil(Math.log10(hi)), minM * 10);
  const option: EChartsOption = {
    grid: { left: 64, right: 24, top: 40, bottom: 56 },
    legend: { top: 4, itemGap: 24, data: ['Sighting', 'y = x (perfect)'] },
    xAxis: { type: 'log', min: minM, max: maxM, ...axisName('True distance (m)'), nameGap: 30 },
    yAxis: {
      type: 'log',
      min: minM,
      max: maxM,
      ...axisName('Estimated distance, median (m)'),
      nameGap: 44,
    },
    series: [
      {
        type: 'scatter',
        name: 'Sighting',
        data: shown,
        symbolSize: 4,
        itemStyle: { color: COLOR_A, opacity: 0.45 },
      },
      {
        type: 'line',
        name: 'y = x (perfect)',
        data: [
          [minM, minM],
          [maxM, maxM],
        ],
        symbol: 'none',
        lineStyle: { color: COLOR_GREY, type: 'dashed', width: 1.5 },
        itemStyle: { color: COLOR_GREY },
      },
    ],
  };
  const dropped = Math.max(d.trueM.length, d.estimatedM.length) - points.length;
  const caption = `${fmtInt(points.length)} sightings${shown.length < points.length ? `, ${fmtInt(shown.length)} drawn (every ${ordinal(Math.ceil(points.length / shown.length))})` : ''}${dropped > 0 ? `; ${fmtInt(dropped)} with a non-positive or missing distance left out` : ''}. Log axes.`;
  return {
    id,
    title,
    body: { svg: renderSvg(id, option, opts.chartWidthPx, opts.chartHeightPx) },
    captionHtml: escapeHtml(caption),
  };
}

// ---------------------------------------------------------------------------------------------------
// Precision and recall vs the rule's distance threshold

function thresholdSection(s: ReportData['thresholdSweep'], opts: Opts): Section {
  const id = 'chart-threshold';
  const title = 'Precision and recall vs distance threshold';
  const precision: [number, number][] = [];
  const recall: [number, number][] = [];
  s.thresholdM.forEach((x, i) => {
    const p = s.precision[i];
    const r = s.recall[i];
    if (!Number.isFinite(x)) return;
    if (p !== undefined && Number.isFinite(p)) precision.push([x, p]);
    if (r !== undefined && Number.isFinite(r)) recall.push([x, r]);
  });
  if (precision.length === 0 && recall.length === 0)
    return { id, title, body: { noData: 'no threshold sweep (no contacts to score).' } };
  const configured = {
    symbol: 'none',
    silent: true,
    data: !Number.isFinite(s.configuredThresholdM)
      ? []
      : [
          {
            xAxis: s.configuredThresholdM,
            label: {
              formatter: `configured ${fmtNum(s.configuredThresholdM)} m`,
              position: 'end',
              color: '#333',
            },
          },
        ],
    lineStyle: { color: '#333', type: 'solid', width: 1.5 },
  };
  // The Bluezone rule thresholds RSSI, not distance, so it has no place on this x axis: its precision and
  // recall are drawn as horizontal reference lines in the matching colours.
  const bz = s.bluezone;
  const bluezoneLine = (value: number | undefined, label: string) =>
    bz === undefined || value === undefined || !Number.isFinite(value)
      ? undefined
      : {
          symbol: 'none',
          silent: true,
          data: [
            {
              yAxis: value,
              label: {
                formatter: `Bluezone ${label} ${fmtNum(value)}`,
                position: 'insideStartTop',
              },
            },
          ],
          lineStyle: { type: 'dashed', width: 1.5 },
        };
  const option: EChartsOption = {
    grid: { left: 56, right: 32, top: 56, bottom: 56 },
    legend: { top: 4, itemGap: 24 },
    xAxis: {
      type: 'value',
      min: 0,
      ...axisName('Distance threshold of the rule (m)'),
      nameGap: 30,
    },
    yAxis: { type: 'value', min: 0, max: 1, ...axisName('Fraction'), nameGap: 36 },
    series: [
      {
        type: 'line',
        name: 'Precision',
        data: precision,
        symbol: 'none',
        lineStyle: { width: 2, color: COLOR_A },
        itemStyle: { color: COLOR_A },
        markLine: mergeMarkLine(configured, bluezoneLine(bz?.precision, 'precision'), COLOR_A),
      },
      {
        type: 'line',
        name: 'Recall',
        data: recall,
        symbol: 'none',
        lineStyle: { width: 2, color: COLOR_B, type: 'solid' },
        itemStyle: { color: COLOR_B },
        markLine: bluezoneLine(bz?.recall, 'recall'),
      },
    ],
  };
  const caption =
    bz === undefined
      ? 'Vertical line: the configured threshold.'
      : `Vertical line: the configured threshold. Dashed: the Bluezone RSSI rule (precision ${fmtNum(bz.precision)}, recall ${fmtNum(bz.recall)}).`;
  return {
    id,
    title,
    body: { svg: renderSvg(id, option, opts.chartWidthPx, opts.chartHeightPx) },
    captionHtml: escapeHtml(caption),
  };
}

/** The configured-threshold line and the Bluezone precision line share one markLine (one per series). */
function mergeMarkLine(
  configured: Record<string, unknown> & { data: unknown[] },
  bluezone: { data: unknown[] } | undefined,
  color: string,
): Record<string, unknown> {
  if (bluezone === undefined) return configured;
  const bzData = bluezone.data.map((d) => ({
    ...(d as object),
    lineStyle: { type: 'dashed', color, width: 1.5 },
  }));
  return { ...configured, data: [...configured.data, ...bzData] };
}

// ---------------------------------------------------------------------------------------------------
// Contact durations

/** The finite (true, estimated) pairs, in columns: a city run has millions, so no tuple per pair. */
interface DurationPairs {
  trueMin: Float64Array;
  estMin: Float64Array;
  length: number;
}

function durationPairs(d: ReportData['durations']): DurationPairs {
  const n = Math.min(d.trueMinutes.length, d.estimatedMinutes.length);
  const trueMin = new Float64Array(n);
  const estMin = new Float64Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const t = d.trueMinutes[i] ?? NaN;
    const e = d.estimatedMinutes[i] ?? NaN;
    if (Number.isFinite(t) && Number.isFinite(e)) {
      trueMin[m] = t;
      estMin[m] = e;
      m++;
    }
  }
  return { trueMin: trueMin.subarray(0, m), estMin: estMin.subarray(0, m), length: m };
}

/** {@link subsample} of duration pairs: every k-th pair with one fixed stride, as tuples. */
function subsamplePairs(
  p: DurationPairs,
  maxItems: number,
): { shown: [number, number][]; stride: number } {
  const stride = p.length <= maxItems ? 1 : Math.ceil(p.length / maxItems);
  const shown: [number, number][] = [];
  for (let i = 0; i < p.length; i += stride) shown.push([p.trueMin[i]!, p.estMin[i]!]);
  return { shown, stride };
}

function durationScatterSection(d: ReportData['durations'], opts: Opts): Section {
  const id = 'chart-durations';
  const title = 'Contact duration: estimated vs true';
  const pairs = durationPairs(d);
  if (pairs.length === 0)
    return { id, title, body: { noData: 'no app pair had a true or estimated exposure.' } };
  const { shown, stride } = subsamplePairs(pairs, opts.maxPointsPerSeries);
  const thr = d.thresholdMinutes;
  let maxMin = Number.isFinite(thr) ? thr * 1.5 : 0;
  for (let i = 0; i < pairs.length; i++)
    maxMin = Math.max(maxMin, pairs.trueMin[i]!, pairs.estMin[i]!);
  const option: EChartsOption = {
    grid: { left: 64, right: 64, top: 56, bottom: 56 },
    legend: { top: 4, itemGap: 24, data: ['App pair', 'y = x'] },
    xAxis: {
      type: 'value',
      min: 0,
      max: niceCeil(maxMin),
      ...axisName('True minutes within the distance threshold (min)'),
      nameGap: 30,
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: niceCeil(maxMin),
      ...axisName('Estimated minutes (min)'),
      nameGap: 44,
    },
    series: [
      {
        type: 'scatter',
        name: 'App pair',
        data: shown,
        symbolSize: 6,
        itemStyle: { color: COLOR_A, opacity: 0.55 },
        markLine: {
          symbol: 'none',
          silent: true,
          lineStyle: { color: '#c0392b', type: 'dashed', width: 1.5 },
          data: !Number.isFinite(thr)
            ? []
            : [
                { xAxis: thr, label: { formatter: `${fmtNum(thr)} min`, position: 'end' } },
                { yAxis: thr, label: { formatter: `${fmtNum(thr)} min`, position: 'end' } },
              ],
        },
      },
      {
        type: 'line',
        name: 'y = x',
        data: [
          [0, 0],
          [niceCeil(maxMin), niceCeil(maxMin)],
        ],
        symbol: 'none',
        lineStyle: { color: COLOR_GREY, type: 'dotted' },
        itemStyle: { color: COLOR_GREY },
      },
    ],
  };
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < pairs.length; i++) {
    const t = pairs.trueMin[i]!;
    const e = pairs.estMin[i]!;
    if (t >= thr && e >= thr) tp++;
    else if (e >= thr) fp++;
    else if (t >= thr) fn++;
  }
  // A browser cannot draw millions of points: past the cap the chart is a fixed-stride sample (the same
  // input always keeps the same points), and says so; the counts and the histogram use every pair.
  const sampled =
    shown.length < pairs.length
      ? `, ${fmtInt(shown.length)} drawn (every ${ordinal(stride)}; the counts below and the histogram use all ${fmtInt(pairs.length)})`
      : '';
  const caption = `${fmtInt(pairs.length)} app pairs${sampled}. Red dashed lines: the ${fmtNum(thr)}-minute threshold. Top right: correctly flagged (${fmtInt(tp)}); top left: false alarms (${fmtInt(fp)}); bottom right: missed (${fmtInt(fn)}).`;
  return {
    id,
    title,
    body: { svg: renderSvg(id, option, opts.chartWidthPx, opts.chartHeightPx) },
    captionHtml: escapeHtml(caption),
  };
}

function durationHistogramSection(d: ReportData['durations'], opts: Opts): Section {
  const id = 'chart-duration-histogram';
  const title = 'Contact duration distribution';
  const pairs = durationPairs(d);
  if (pairs.length === 0)
    return { id, title, body: { noData: 'no app pair had a true or estimated exposure.' } };
  let maxMin = 0;
  for (let i = 0; i < pairs.length; i++)
    maxMin = Math.max(maxMin, pairs.trueMin[i]!, pairs.estMin[i]!);
  const binMin = niceStep(Math.max(maxMin, 1) / 20);
  const bins = Math.max(1, Math.ceil((maxMin + 1e-9) / binMin));
  const trueCounts = new Array<number>(bins).fill(0);
  const estCounts = new Array<number>(bins).fill(0);
  const binOf = (v: number) => Math.min(bins - 1, Math.max(0, Math.floor(v / binMin)));
  for (let i = 0; i < pairs.length; i++) {
    const t = pairs.trueMin[i]!;
    const e = pairs.estMin[i]!;
    trueCounts[binOf(t)] = (trueCounts[binOf(t)] ?? 0) + 1;
    estCounts[binOf(e)] = (estCounts[binOf(e)] ?? 0) + 1;
  }
  const labels = trueCounts.map((_, i) => `${fmtNum(i * binMin)}–${fmtNum((i + 1) * binMin)}`);
  const thrBin = Math.min(bins - 1, Math.floor(d.thresholdMinutes / binMin));
  const option: EChartsOption = {
    grid: { left: 56, right: 24, top: 56, bottom: 64 },
    legend: { top: 4, itemGap: 24 },
    xAxis: {
      type: 'category',
      data: labels,
      ...axisName('Minutes within the distance threshold (min)'),
      nameGap: 40,
      axisLabel: { rotate: bins > 10 ? 30 : 0, fontSize: 10 },
    },
    yAxis: { type: 'value', minInterval: 1, ...axisName('App pairs'), nameGap: 36 },
    series: [
      {
        type: 'bar',
        name: 'True',
        data: trueCounts,
        itemStyle: { color: COLOR_A },
        markLine: {
          symbol: 'none',
          silent: true,
          lineStyle: { color: '#c0392b', type: 'dashed' },
          data: !(thrBin >= 0)
            ? []
            : [
                {
                  xAxis: thrBin,
                  label: {
                    formatter: `threshold ${fmtNum(d.thresholdMinutes)} min`,
                    position: 'end',
                  },
                },
              ],
        },
      },
      { type: 'bar', name: 'Estimated', data: estCounts, itemStyle: { color: COLOR_B } },
    ],
  };
  const caption = `Bins of ${fmtNum(binMin)} min; the dashed line marks the bin holding the ${fmtNum(d.thresholdMinutes)}-minute threshold.`;
  return {
    id,
    title,
    body: { svg: renderSvg(id, option, opts.chartWidthPx, opts.chartHeightPx) },
    captionHtml: escapeHtml(caption),
  };
}

// ---------------------------------------------------------------------------------------------------
// Venue map

function mapSection(m: ReportData['map'], opts: Opts): Section {
  const id = 'chart-map';
  const title = 'Venue and tracks';
  const hasGeometry = m.rects.length > 0 || m.walls.length > 0 || m.tracks.length > 0;
  if (!(m.widthM > 0 && m.heightM > 0) || !hasGeometry)
    return { id, title, body: { noData: 'no venue geometry or tracks.' }, wide: true };
  // Equal aspect: the plot area is sized so one metre is the same number of pixels on both axes.
  const margin = { left: 56, right: 24, top: 40, bottom: 52 };
  const maxPlotW = opts.chartWidthPx * 2 - margin.left - margin.right;
  const maxPlotH = Math.round(opts.chartHeightPx * 1.6);
  const pxPerM = Math.min(maxPlotW / m.widthM, maxPlotH / m.heightM);
  const plotW = Math.max(1, Math.round(m.widthM * pxPerM));
  const plotH = Math.max(1, Math.round(m.heightM * pxPerM));
  const widthPx = Math.max(plotW + margin.left + margin.right, 360);
  const heightPx = plotH + margin.top + margin.bottom;
  const left = Math.round((widthPx - plotW) / 2);
  const appTracks = trackPolylines(
    m.tracks.filter((t) => t.app),
    opts.maxPointsPerSeries,
  );
  const otherTracks = trackPolylines(
    m.tracks.filter((t) => !t.app),
    opts.maxPointsPerSeries,
  );
  const drawWalls = m.walls.length <= opts.maxMapWalls;
  const rects = subsample(m.rects, opts.maxMapAreas);
  const series: Record<string, unknown>[] = [rectSeries(rects)];
  if (drawWalls)
    series.push(
      linesSeries('Wall', wallCoords(m.walls), { color: '#222', width: 2.5, opacity: 1 }),
    );
  series.push(
    linesSeries('App user', appTracks, { color: COLOR_A, width: 1.2, opacity: 0.7 }),
    linesSeries('Non-user', otherTracks, {
      color: COLOR_B,
      width: 1.2,
      opacity: 0.7,
      type: 'dashed',
    }),
  );
  const labelWalls = drawWalls && m.walls.length > 0 && m.walls.length <= opts.maxWallLabels;
  if (labelWalls) series.push(wallLabelSeries(m.walls));
  const option: EChartsOption = {
    grid: { left, width: plotW, top: margin.top, height: plotH },
    legend: {
      top: 4,
      itemGap: 24,
      data: drawWalls
        ? ['Room / area', 'Wall', 'App user', 'Non-user']
        : ['Room / area', 'App user', 'Non-user'],
    },
    xAxis: {
      type: 'value',
      min: 0,
      max: m.widthM,
      ...axisName('x (m)'),
      nameGap: 28,
      splitLine: { show: false },
      axisLabel: { formatter: metres },
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: m.heightM,
      ...axisName('y (m)'),
      nameGap: 36,
      splitLine: { show: false },
      axisLabel: { formatter: metres },
    },
    series,
  };
  const nApp = m.tracks.filter((t) => t.app).length;
  const areas =
    rects.length < m.rects.length
      ? `${fmtInt(m.rects.length)} areas (every ${ordinal(Math.ceil(m.rects.length / opts.maxMapAreas))} drawn: ${fmtInt(rects.length)})`
      : `${fmtInt(m.rects.length)} areas`;
  const walls = !drawWalls
    ? `${fmtInt(m.walls.length)} walls, not drawn: above ${fmtInt(opts.maxMapWalls)}, at ${fmtNum(pxPerM)} px per metre, they would cover the areas (the simulation used them all)`
    : `${fmtInt(m.walls.length)} walls${labelWalls ? ' (labelled with their loss, dB)' : ''}`;
  const caption = `${fmtInt(nApp)} app users (solid blue), ${fmtInt(m.tracks.length - nApp)} non-users (dashed orange), ${areas}, ${walls}. Equal scale on both axes.`;
  return {
    id,
    title,
    body: { svg: renderSvg(id, option, widthPx, heightPx) },
    captionHtml: escapeHtml(caption),
    wide: true,
  };
}

/** Rooms as markArea rectangles on an empty line series: ECharts has no rectangle series without custom code. */
function rectSeries(rects: VenueRect[]): Record<string, unknown> {
  const data = rects
    .filter((r) => [r.xM, r.yM, r.widthM, r.heightM].every(Number.isFinite))
    .map((r) => [
      { coord: [r.xM, r.yM], name: r.label ?? '' },
      { coord: [r.xM + r.widthM, r.yM + r.heightM] },
    ]);
  return {
    type: 'line',
    name: 'Room / area',
    data: [],
    symbol: 'none',
    lineStyle: { color: '#7890aa', width: 6, opacity: 0.35 },
    itemStyle: { color: '#7890aa' },
    markArea: {
      silent: true,
      itemStyle: { color: 'rgba(120,144,170,0.12)', borderColor: '#7890aa', borderWidth: 1 },
      label: { position: 'insideTopLeft', color: '#445', fontSize: 11 },
      data,
    },
  };
}

function linesSeries(
  name: string,
  polylines: [number, number][][],
  style: { color: string; width: number; opacity: number; type?: string },
): Record<string, unknown> {
  return {
    type: 'lines',
    name,
    coordinateSystem: 'cartesian2d',
    polyline: true,
    silent: true,
    data: polylines.map((coords) => ({ coords })),
    lineStyle: {
      color: style.color,
      width: style.width,
      opacity: style.opacity,
      type: style.type ?? 'solid',
    },
    itemStyle: { color: style.color },
  };
}

function wallCoords(walls: VenueWall[]): [number, number][][] {
  return walls
    .filter((w) => [w.x1M, w.y1M, w.x2M, w.y2M].every(Number.isFinite))
    .map((w) => [
      [w.x1M, w.y1M],
      [w.x2M, w.y2M],
    ]);
}

/** A static page has no tooltips, so each wall's loss is printed at its midpoint instead. */
function wallLabelSeries(walls: VenueWall[]): Record<string, unknown> {
  return {
    type: 'scatter',
    name: 'Wall loss',
    symbolSize: 0,
    silent: true,
    data: walls
      .filter((w) => [w.x1M, w.y1M, w.x2M, w.y2M].every(Number.isFinite))
      .map((w) => ({
        value: [(w.x1M + w.x2M) / 2, (w.y1M + w.y2M) / 2],
        name: `${fmtNum(w.lossDb)} dB`,
      })),
    label: {
      show: true,
      formatter: '{b}',
      fontSize: 10,
      color: '#222',
      backgroundColor: 'rgba(255,255,255,0.8)',
      padding: [1, 2],
    },
  };
}

/** Tracks split at NaN gaps, thinned with one stride for the whole series so the total stays bounded. */
function trackPolylines(tracks: Track[], maxPoints: number): [number, number][][] {
  const segments: [number, number][][] = [];
  for (const t of tracks) {
    let current: [number, number][] = [];
    for (let i = 0; i + 1 < t.xyM.length; i += 2) {
      const x = t.xyM[i] ?? NaN;
      const y = t.xyM[i + 1] ?? NaN;
      if (Number.isFinite(x) && Number.isFinite(y)) current.push([x, y]);
      else if (current.length > 0) {
        segments.push(current);
        current = [];
      }
    }
    if (current.length > 0) segments.push(current);
  }
  // A lone point is no line, and ECharts' lines series throws on a polyline shorter than two points.
  const drawable = segments.filter((s) => s.length >= 2);
  const total = drawable.reduce((n, s) => n + s.length, 0);
  if (total <= maxPoints) return drawable;
  const stride = Math.ceil(total / maxPoints);
  return drawable.map((s) => thinKeepingEnds(s, stride));
}

// ---------------------------------------------------------------------------------------------------
// Tracing

function tracingSection(t: ReportData['tracing'], opts: Opts): Section {
  const id = 'chart-tracing';
  const title = 'Tracing through published keys';
  const bars: [string, number, string][] = [
    ['F0 (confirmed)', t.f0, '#444444'],
    ['True F1', t.trueF1, COLOR_A],
    ['True F1 with app', t.trueF1WithApp, '#56b4e9'],
    ['Notified', t.notifiedF1, COLOR_B],
    ['Notified true F1', t.notifiedTrueF1, '#009e73'],
    ['Missed: no app', t.missedNoApp, '#d55e00'],
  ];
  const text = `Recall ${fmtPct(t.recall)} (true F1 with the app who were notified); precision ${fmtPct(t.precision)} (notified who were true F1).`;
  if (bars.every(([, v]) => !(Number.isFinite(v) && v > 0)))
    return {
      id,
      title,
      body: { noData: 'no confirmed cases or contacts to trace.' },
      captionHtml: escapeHtml(text),
    };
  const option: EChartsOption = {
    grid: { left: 56, right: 24, top: 24, bottom: 64 },
    xAxis: {
      type: 'category',
      data: bars.map(([l]) => l),
      axisLabel: { interval: 0, fontSize: 11, rotate: 15 },
    },
    yAxis: { type: 'value', minInterval: 1, ...axisName('People'), nameGap: 40 },
    series: [
      {
        type: 'bar',
        name: 'People',
        data: bars.map(([, v, color]) => ({
          value: Number.isFinite(v) ? v : 0,
          itemStyle: { color },
        })),
        label: { show: true, position: 'top', color: '#222' },
        barMaxWidth: 56,
      },
    ],
  };
  return {
    id,
    title,
    body: { svg: renderSvg(id, option, opts.chartWidthPx, opts.chartHeightPx) },
    captionHtml: escapeHtml(text),
  };
}

// ---------------------------------------------------------------------------------------------------
// Small helpers

/** Every k-th item with one fixed stride, so the same input always keeps the same points. */
function subsample<T>(items: T[], maxItems: number): T[] {
  if (items.length <= maxItems) return items;
  const stride = Math.ceil(items.length / maxItems);
  const out: T[] = [];
  for (let i = 0; i < items.length; i += stride) out.push(items[i] as T);
  return out;
}

/** Like {@link subsample} but keeps the last point so a thinned track still ends where it ended. */
function thinKeepingEnds<T>(items: T[], stride: number): T[] {
  if (stride <= 1 || items.length <= 2) return items;
  const out: T[] = [];
  for (let i = 0; i < items.length; i += stride) out.push(items[i] as T);
  if ((items.length - 1) % stride !== 0) out.push(items[items.length - 1] as T);
  return out;
}

/** 1, 2 or 5 × 10^k at or above x (x > 0). */
function niceStep(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  const f = x / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

function niceCeil(x: number): number {
  if (!(x > 0)) return 1;
  const step = niceStep(x / 5);
  return Math.ceil(x / step) * step;
}

function fmtNum(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(3)));
}

/** 2 → "2nd", 3 → "3rd", 11 → "11th", 24 → "24th". */
function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${fmtInt(n)}${suffix}`;
}

function fmtInt(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function fmtPct(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : 'n/a';
}

/** Axis labels in metres to 0.1 m: the venue's extent is rarely a round number (31.799999… otherwise). */
function metres(value: number): string {
  return String(Math.round(value * 10) / 10);
}
