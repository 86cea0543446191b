/**
 * The shape every exercise module exports, and the shape of what it hands back.
 *
 * An exercise runs in its own child process (see runner.ts), so everything in a Result must
 * survive structured cloning over the IPC channel: plain data only, charts as Vega-Lite specs
 * with their data inline, rendered to SVG later by the parent (report/charts.ts).
 */
import type { TopLevelSpec } from 'vega-lite';

/** tiny: seconds per exercise, a check that everything runs (npm test); quick: the default; full: longer. */
export type Mode = 'tiny' | 'quick' | 'full';
export const MODES: readonly Mode[] = ['tiny', 'quick', 'full'];

export type Verdict = 'holds' | 'does not hold' | 'not applicable here';

export interface Table {
  title: string;
  columns: string[];
  rows: (string | number)[][];
}

export interface Chart {
  /** File-name friendly and unique within the exercise. */
  name: string;
  title: string;
  spec: TopLevelSpec;
}

/** A file written beside the report: raw Go-format bench output, trace.json, a code listing. */
export interface Artifact {
  name: string;
  content: string;
  /** Shown in the report as a preformatted block when set (first lines only for long files). */
  show?: 'inline' | 'link';
}

/**
 * A verdict and the reason that decided it, with the numbers. Every exercise decides it in an
 * exported judge function of plain numbers, so that a unit test can feed it numbers on either
 * side of the criterion's threshold.
 */
export interface Judgement {
  verdict: Verdict;
  /** Why the verdict is what it is, with the numbers that decided it. */
  reason: string;
}

export interface Result extends Judgement {
  /** What the numbers reveal about the internals. */
  explanation: string;
  tables: Table[];
  charts: Chart[];
  artifacts: Artifact[];
  /** Go's numbers for the same experiment (--with-go), or a line saying why there are none. */
  go?: { tables: Table[]; artifacts: Artifact[]; note?: string };
}

export interface Context {
  mode: Mode;
  withGo: boolean;
  /** Reports progress within the exercise, 0..1, with a short label; cheap, call it freely. */
  progress(fraction: number, label: string): void;
}

export interface Exercise {
  id: number;
  /** Short kebab-case name, used in file names. */
  slug: string;
  title: string;
  /** What the seed asks, restated in the lab's words. */
  goal: string;
  /** The seed's success criterion, restated. */
  criterion: string;
  /** How the lab reproduces the experiment in TypeScript, and where JavaScript differs. */
  analogue: string;
  /** V8/Node flags the child process starts with. */
  flags: readonly string[];
  run(ctx: Context): Promise<Result>;
}

/** Picks the value for the current mode. */
export function byMode<T>(mode: Mode, values: Record<Mode, T>): T {
  return values[mode];
}
