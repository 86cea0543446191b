import { fullName, valueOf, type BenchResult } from './benchfmt.js';
import { median } from './stats.js';

// The views people read benchmark results with, beside Go's text: per benchmark the median,
// p75, p99 and min–max of its samples (one per --count round, each from a process of its
// own), drawn as a boxplot on a scale shared by each group (box p25–p75), or as a histogram per benchmark. Percentiles
// are nearest-rank (the smallest sample with at least that share of the samples at or below
// it), so every figure shown is a measured sample: with few rounds p99 is the slowest one.

export interface Spread { n: number; median: number; p25: number; p75: number; p99: number; min: number; max: number }

/** The nearest-rank percentile q (0–100) of xs, sorted ascending. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no samples');
  const rank = Math.max(1, Math.ceil((q / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export function spread(xs: readonly number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, median: median(s), p25: percentile(s, 25), p75: percentile(s, 75), p99: percentile(s, 99), min: s[0] as number, max: s[s.length - 1] as number };
}

/** Four significant digits, as Go prints small ns/op values. */
export function figure(x: number): string {
  return Math.abs(x) >= 1000 ? x.toFixed(0) : x.toPrecision(4);
}

/** Samples of `unit` per benchmark (its full name), in the order the benchmarks first appear. */
export function samplesOf(results: BenchResult[], unit: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const r of results) {
    const v = valueOf(r, unit);
    if (v === undefined) continue;
    const name = fullName(r);
    out.set(name, [...(out.get(name) ?? []), v]);
  }
  return out;
}

/**
 * One line of `width` columns over [lo, hi]: whiskers from min to max (-), the box from p25
 * to p75 ([ ]), the median (|). Where marks fall in one column the later one wins.
 */
export function boxplot(s: Spread, lo: number, hi: number, width: number): string {
  const at = (x: number): number => (hi > lo ? Math.round(((x - lo) / (hi - lo)) * (width - 1)) : 0);
  const cells = Array.from({ length: width }, () => ' ');
  for (let i = at(s.min); i <= at(s.max); i++) cells[i] = '-';
  cells[at(s.p25)] = '[';
  cells[at(s.p75)] = ']';
  cells[at(s.median)] = '|';
  return cells.join('');
}

/** A bar of `value / max` of `width` block characters, eighths included; any value above 0 shows. */
export function bar(value: number, max: number, width: number): string {
  if (!(max > 0) || !(value > 0)) return '';
  const eighths = Math.max(1, Math.round((Math.min(value, max) / max) * width * 8));
  return '█'.repeat(eighths >> 3) + (eighths & 7 ? ' ▏▎▍▌▋▊▉'[eighths & 7] : '');
}

export interface ViewOptions { unit?: string; width?: number }

/**
 * The table of every benchmark's spread of `unit` (default ns/op) with a boxplot column, on one
 * scale per group of benchmarks (lower is better, so the scale starts at 0).
 */
export function spreadTable(results: BenchResult[], opts: ViewOptions = {}): string {
  const unit = opts.unit ?? 'ns/op';
  const width = opts.width ?? 40;
  const groups = new Map<string, Array<[string, Spread]>>();
  for (const [name, xs] of samplesOf(results, unit)) {
    const [group] = splitName(name);
    groups.set(group, [...(groups.get(group) ?? []), [name, spread(xs)]]);
  }
  if (groups.size === 0) return `no results with ${unit}\n`;
  const all = [...groups.values()].flat();
  const nameWidth = Math.max(9, ...all.map(([name]) => name.length));
  const lines = [`${'benchmark'.padEnd(nameWidth)}  ${'n'.padStart(3)}  ${['median', 'p75', 'p99', 'min', 'max'].map((h) => h.padStart(9)).join(' ')}  ${unit}`];
  for (const [group, rows] of groups) {
    // One scale per group (the contenders of one comparison), from 0: lower is better.
    const hi = Math.max(...rows.map(([, s]) => s.max));
    lines.push(`${(group || '(top level)').padEnd(nameWidth + 56)}  0 … ${figure(hi)}`);
    for (const [name, s] of rows) {
      const values = [s.median, s.p75, s.p99, s.min, s.max].map((x) => figure(x).padStart(9)).join(' ');
      lines.push(`${name.padEnd(nameWidth)}  ${String(s.n).padStart(3)}  ${values}  ${boxplot(s, 0, hi, width)}`);
    }
  }
  if (all.some(([, s]) => s.n === 1)) lines.push(`(n = 1: one sample, median = p75 = p99 = min = max; run with --count 5 or more for a spread)`);
  return `${lines.join('\n')}\n`;
}

/** A benchmark's group (its name without Benchmark and its last level) and its last level. */
export function splitName(name: string): [group: string, last: string] {
  const bare = name.replace(/^Benchmark/, '');
  const cut = bare.lastIndexOf('/');
  return cut < 0 ? ['', bare] : [bare.slice(0, cut), bare.slice(cut + 1)];
}

/** Per benchmark, a histogram of its samples of `unit` over `bins` equal bins from its min to its max. */
export function histograms(results: BenchResult[], opts: ViewOptions & { bins?: number } = {}): string {
  const unit = opts.unit ?? 'ns/op';
  const width = opts.width ?? 30;
  const bins = opts.bins ?? 8;
  const blocks: string[] = [];
  for (const [name, xs] of samplesOf(results, unit)) {
    const s = spread(xs);
    const count = Math.min(bins, xs.length);
    const step = (s.max - s.min) / count;
    const counts = new Array<number>(count).fill(0);
    for (const x of xs) counts[step > 0 ? Math.min(count - 1, Math.floor((x - s.min) / step)) : 0]! += 1;
    const top = Math.max(...counts);
    const lines = [`${name} (${unit}, ${xs.length} sample${xs.length === 1 ? '' : 's'}, median ${figure(s.median)})`];
    counts.forEach((c, i) => {
      const from = s.min + i * step;
      lines.push(`  ${figure(from).padStart(9)} – ${figure(step > 0 ? from + step : s.max).padEnd(9)} ${bar(c, top, width)} ${c}`);
    });
    blocks.push(lines.join('\n'));
  }
  return blocks.length === 0 ? `no results with ${unit}\n` : `${blocks.join('\n\n')}\n`;
}
