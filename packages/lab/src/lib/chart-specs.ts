/**
 * The two chart shapes the exercises need, as Vega-Lite specs with their data inline: a line
 * chart (one line per series, optional log axes, optional marked x) and a grouped bar chart.
 */
import type { TopLevelSpec } from 'vega-lite';

export type Row = Record<string, number | string>;

export interface Axis {
  field: string;
  title: string;
  log?: boolean;
}

export interface LineChart {
  data: Row[];
  x: Axis;
  y: Axis;
  /** Field that names the series (one line each). */
  series?: string;
  /** Draw steps instead of straight segments (counts that jump). */
  step?: boolean;
  /** A vertical rule, e.g. the elbow or the crossover, with its label. */
  mark?: { x: number; label: string };
}

const scale = (axis: Axis) => (axis.log === true ? { type: 'log' as const } : { zero: false });

export function lineChart(chart: LineChart): TopLevelSpec {
  const line = {
    mark: { type: 'line', point: chart.step !== true, interpolate: chart.step === true ? 'step-after' : 'linear' },
    encoding: {
      x: { field: chart.x.field, type: 'quantitative', title: chart.x.title, scale: scale(chart.x) },
      y: { field: chart.y.field, type: 'quantitative', title: chart.y.title, scale: scale(chart.y) },
      ...(chart.series === undefined ? {} : { color: { field: chart.series, type: 'nominal', title: null } }),
      tooltip: [{ field: chart.x.field }, { field: chart.y.field }],
    },
  };
  const layers: object[] = [{ data: { values: chart.data }, ...line }];
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
}

export function barChart(chart: BarChart): TopLevelSpec {
  return {
    data: { values: chart.data },
    mark: { type: 'bar' },
    encoding: {
      x: { field: chart.x.field, type: 'nominal', title: chart.x.title, sort: null, axis: { labelAngle: 0 } },
      xOffset: { field: chart.group, type: 'nominal' },
      // Bars are read by their length, so a linear axis must start at zero.
      y: { field: chart.y.field, type: 'quantitative', title: chart.y.title, scale: chart.y.log === true ? { type: 'log' } : { zero: true } },
      color: { field: chart.group, type: 'nominal', title: null },
      tooltip: [{ field: chart.x.field }, { field: chart.group }, { field: chart.y.field }],
    },
  } as TopLevelSpec;
}
