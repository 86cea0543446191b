/**
 * The two chart shapes the exercises need, as Vega-Lite specs with their data inline: a line
 * chart (one line per series, optional log axes, optional marked x) and a grouped bar chart.
 * Both draw the spread of repeated runs when the data has it: a band or error bars from
 * `<y>_lo` to `<y>_hi` (see spreadFields in stats.ts). TypeScript and Go series share one chart,
 * and so one pair of axes; `dash` tells them apart.
 */
import type { TopLevelSpec } from 'vega-lite';

export type Row = Record<string, number | string>;

export interface Axis {
  field: string;
  title: string;
  log?: boolean;
  /** Tick values, when only the measured ones make sense (e.g. worker counts). */
  ticks?: number[];
}

export interface LineChart {
  data: Row[];
  x: Axis;
  y: Axis;
  /** Field that names the series (one line each). */
  series?: string;
  /** Field whose values draw solid and dashed lines, e.g. the language. */
  dash?: string;
  /** Draw steps instead of straight segments (counts that jump). */
  step?: boolean;
  /** How to draw the range `<y>_lo`–`<y>_hi` of each point: a shaded band or error bars. */
  spread?: 'band' | 'bars';
  /** A vertical rule, e.g. the elbow or the crossover, with its label. */
  mark?: { x: number; label: string };
}

const scale = (axis: Axis) => (axis.log === true ? { type: 'log' as const, nice: false } : { zero: false });

/** The range layer: y from `<y>_lo` to `<y>_hi`, coloured like its series. */
function spreadLayer(x: object, y: Axis, color: object, mark: object): object {
  return {
    mark,
    encoding: {
      x,
      y: { field: `${y.field}_lo`, type: 'quantitative', title: y.title, scale: scale(y) },
      y2: { field: `${y.field}_hi` },
      ...color,
    },
  };
}

export function lineChart(chart: LineChart): TopLevelSpec {
  const x = {
    field: chart.x.field, type: 'quantitative', title: chart.x.title, scale: scale(chart.x),
    ...(chart.x.ticks === undefined ? {} : { axis: { values: chart.x.ticks } }),
  };
  const color = chart.series === undefined ? {} : { color: { field: chart.series, type: 'nominal', title: null } };
  const line = {
    mark: { type: 'line', point: chart.step !== true, interpolate: chart.step === true ? 'step-after' : 'linear' },
    encoding: {
      x,
      y: { field: chart.y.field, type: 'quantitative', title: chart.y.title, scale: scale(chart.y) },
      ...color,
      ...(chart.dash === undefined ? {} : { strokeDash: { field: chart.dash, type: 'nominal', title: null } }),
      tooltip: [{ field: chart.x.field }, { field: chart.y.field }, ...(chart.series === undefined ? [] : [{ field: chart.series }])],
    },
  };
  const data = { values: chart.data };
  const layers: object[] = [];
  if (chart.spread === 'band') layers.push({ data, ...spreadLayer(x, chart.y, color, { type: 'area', opacity: 0.18 }) });
  if (chart.spread === 'bars') layers.push({ data, ...spreadLayer(x, chart.y, color, { type: 'rule', strokeWidth: 1.5 }) });
  layers.push({ data, ...line });
  if (chart.mark !== undefined) {
    const at = { data: { values: [{ at: chart.mark.x, label: chart.mark.label }] } };
    layers.push(
      { ...at, mark: { type: 'rule', strokeDash: [4, 4], color: '#888' }, encoding: { x: { field: 'at', type: 'quantitative' } } },
      {
        ...at,
        mark: { type: 'text', align: 'left', dx: 4, dy: -4, baseline: 'bottom', color: '#444' },
        encoding: { x: { field: 'at', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
      },
    );
  }
  return { layer: layers } as TopLevelSpec;
}

export interface BarChart {
  data: Row[];
  /** The category on the x axis. */
  x: Axis;
  y: Axis;
  /** Bars side by side within each x category, one per value of this field. */
  group: string;
  /** Draw error bars from `<y>_lo` to `<y>_hi` on each bar. */
  spread?: boolean;
}

export function barChart(chart: BarChart): TopLevelSpec {
  const x = { field: chart.x.field, type: 'nominal', title: chart.x.title, sort: null, axis: { labelAngle: 0 } };
  // One bar per category when the groups are the categories themselves.
  const xOffset = chart.group === chart.x.field ? {} : { xOffset: { field: chart.group, type: 'nominal' } };
  // Bars are read by their length, so a linear axis must start at zero.
  const yScale = chart.y.log === true ? { type: 'log' } : { zero: true };
  const bars = {
    mark: { type: 'bar' },
    encoding: {
      x, ...xOffset,
      y: { field: chart.y.field, type: 'quantitative', title: chart.y.title, scale: yScale },
      color: { field: chart.group, type: 'nominal', title: null },
      tooltip: [{ field: chart.x.field }, { field: chart.group }, { field: chart.y.field }],
    },
  };
  const whiskers = {
    mark: { type: 'rule', color: '#222', strokeWidth: 1.5 },
    encoding: {
      x, ...xOffset,
      y: { field: `${chart.y.field}_lo`, type: 'quantitative', title: chart.y.title, scale: yScale },
      y2: { field: `${chart.y.field}_hi` },
    },
  };
  return { data: { values: chart.data }, layer: chart.spread === true ? [bars, whiskers] : [bars] } as TopLevelSpec;
}
