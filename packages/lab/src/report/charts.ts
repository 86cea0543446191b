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
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'bottom', direction: 'vertical', labelLimit: 480 },
  title: { fontSize: 13, anchor: 'start' },
} as const;

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vgSpec = compile({ width: 480, height: 240, ...spec, config: { ...config, ...spec.config } } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
