/**
 * Vega-Lite spec -> SVG text at report time, with vega's headless View (renderer 'none'): no
 * browser, no canvas, and no hand-drawn SVG. The report embeds the SVG inline (index.html) and
 * writes it as a file (report.md links it).
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** The look every chart shares; specs carry only their data and encodings. */
const config = {
  font: 'system-ui, sans-serif',
  axis: { labelFontSize: 12, titleFontSize: 13, grid: true },
  legend: { labelFontSize: 12, titleFontSize: 13, symbolOpacity: 1, symbolSize: 120, orient: 'bottom', direction: 'vertical', labelLimit: 480 },
  title: { fontSize: 13, anchor: 'start' },
} as const;

/** The width of the report's column (60rem at 15px, less padding): charts fill it. */
const WIDTH = 840;

type Channel = { field?: string; legend?: unknown };
type Node = {
  data?: { values?: Record<string, unknown>[] };
  layer?: Node[];
  encoding?: Record<string, Channel | undefined>;
};

/** The channels that draw a legend. */
const LEGENDS = ['color', 'strokeDash', 'shape', 'size', 'opacity'] as const;

/**
 * A legend that tells nothing is dropped: one with a single entry (the stray "● TypeScript" of
 * a chart whose only series is TypeScript's, solid or dashed) or one whose field is the x or y
 * axis's own (bars coloured by their category repeat the axis labels). Works on the data each
 * layer sees, its own or its parent's.
 */
function dropIdleLegends(node: Node, inherited: Record<string, unknown>[] | undefined): Node {
  const data = node.data?.values ?? inherited;
  const encoding = node.encoding;
  let out: Node = node;
  if (encoding !== undefined) {
    const axes = new Set([encoding.x?.field, encoding.y?.field]);
    const idle = (channel: Channel): boolean => channel.field !== undefined && channel.legend === undefined &&
      (axes.has(channel.field) || (data !== undefined && new Set(data.map((row) => row[channel.field!])).size <= 1));
    const replaced = Object.fromEntries(LEGENDS.flatMap((name) => {
      const channel = encoding[name];
      return channel !== undefined && idle(channel) ? [[name, { ...channel, legend: null }]] : [];
    }));
    out = { ...node, encoding: { ...encoding, ...replaced } };
  }
  return out.layer === undefined ? out : { ...out, layer: out.layer.map((l) => dropIdleLegends(l, data)) };
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const cleaned = dropIdleLegends(spec as Node, undefined) as TopLevelSpec;
  const vgSpec = compile({ width: WIDTH, height: 280, ...cleaned, config: { ...config, ...spec.config } } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
