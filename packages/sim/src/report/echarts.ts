/**
 * ECharts for server-side SVG, imported at the first chart: its module graph takes about a second to
 * load, which every command and library user that never draws a chart would otherwise pay at start-up.
 * @module
 */
import type * as EChartsCore from 'echarts/core';

export type ECharts = typeof EChartsCore;

let loading: Promise<ECharts> | undefined;
let loaded: ECharts | undefined;

/** Imports ECharts with the charts, components and SVG renderer the reports use (once). */
export function loadEcharts(): Promise<ECharts> {
  loading ??= (async () => {
    const [core, charts, components, renderers] = await Promise.all([
      import('echarts/core'),
      import('echarts/charts'),
      import('echarts/components'),
      import('echarts/renderers'),
    ]);
    core.use([
      charts.BarChart,
      charts.LineChart,
      charts.LinesChart,
      charts.ScatterChart,
      components.GridComponent,
      components.LegendComponent,
      components.MarkAreaComponent,
      components.MarkLineComponent,
      renderers.SVGRenderer,
    ]);
    loaded = core;
    return core;
  })();
  return loading;
}

/** ECharts once {@link loadEcharts} has resolved (the renderers' entry points await it first). */
export function loadedEcharts(): ECharts {
  if (!loaded) throw new Error('ECharts is not loaded yet: await loadEcharts() before rendering');
  return loaded;
}
