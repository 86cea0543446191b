/**
 * Writes the report directory: index.html (verdict table, inline SVG charts, explanations),
 * report.md (the same content for terminals and GitHub, charts linked as SVG files), the chart
 * files, and every artifact an exercise produced (raw Go-format bench output, trace.json, ...).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Outcome } from '../runner.js';
import { renderSvg } from './charts.js';
import { exerciseSource, type ExerciseSource } from './source.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { explorerScripts } from '../explore/page.js';
import { recordScenarios } from '../explore/record.js';

export interface RunInfo {
  mode: string;
  command: string;
  startedAt: Date;
  seconds: number;
  node: string;
  cpu: string;
  cores: number;
  /** The 1-minute load average when the run started and when it ended. */
  load: [number, number];
  /**
   * A learner's report (`check`): their code, shown where a reference run shows the exercise's
   * source, so that the report never shows the reference solution.
   */
  learnerSource?: ExerciseSource;
}

/** A chart after rendering: where its file lives (relative to the report) and its SVG. */
export interface RenderedChart {
  title: string;
  file: string;
  svg: string;
}

/** What the report shows of an outcome beyond its result: its charts, rendered, and its source. */
export interface RenderedOutcome {
  charts: RenderedChart[];
  source: ExerciseSource;
}

export type Rendered = Map<Outcome, RenderedOutcome>;

const pad = (id: number) => String(id).padStart(2, '0');

/** Vega numbers clip paths clip1, clip2, ... in every SVG; inline SVGs share one id space. */
function scopeIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`);
}

export async function writeReport(outDir: string, outcomes: Outcome[], info: RunInfo): Promise<void> {
  await mkdir(join(outDir, 'charts'), { recursive: true });
  const put = async (name: string, content: string) => {
    const path = join(outDir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  };
  const rendered: Rendered = new Map();
  for (const outcome of outcomes) {
    const charts: RenderedChart[] = [];
    for (const chart of outcome.result?.charts ?? []) {
      const base = `${pad(outcome.exercise.id)}-${outcome.exercise.slug}-${chart.name}`;
      const svg = await renderSvg(chart.spec);
      await put(`charts/${base}.svg`, svg);
      charts.push({ title: chart.title, file: `charts/${base}.svg`, svg: scopeIds(svg, base) });
    }
    rendered.set(outcome, { charts, source: info.learnerSource ?? await exerciseSource(outcome.exercise) });
    for (const artifact of [...(outcome.result?.artifacts ?? []), ...(outcome.result?.go?.artifacts ?? [])]) {
      await put(artifact.name, artifact.content);
    }
  }
  // The explorers: short recorded runs of the real pools, for the exercises whose section shows one.
  const ids = new Set(outcomes.map((o) => o.exercise.id));
  const scenarios = (await recordScenarios()).filter((s) => ids.has(s.exercise));
  await put('index.html', renderHtml(outcomes, rendered, info, scenarios, await explorerScripts(scenarios)));
  await put('report.md', renderMarkdown(outcomes, rendered, info, scenarios));
}
