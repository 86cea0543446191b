import { fullName, type BenchResult } from './benchfmt.js';
import { mannWhitneyU, median, medianInterval } from './stats.js';

// A benchstat-style comparison of two sets of results, for users without Go: per unit, one
// row per benchmark with each side's median ± the 95 % confidence interval (as a percentage of
// the median), the change of the medians, and the Mann-Whitney U p-value; "~" instead of the
// change when p > alpha. Like benchstat, ns/op is shown as sec/op and B/op with binary prefixes.

export interface CompareOptions { alpha?: number; confidence?: number; oldLabel?: string; newLabel?: string }

interface Row { name: string; old?: number[]; new?: number[] }

const SI: Array<[number, string]> = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k'], [1, ''], [1e-3, 'm'], [1e-6, 'µ'], [1e-9, 'n'], [1e-12, 'p']];
const IEC: Array<[number, string]> = [[2 ** 40, 'Ti'], [2 ** 30, 'Gi'], [2 ** 20, 'Mi'], [2 ** 10, 'Ki'], [1, '']];

/** The unit benchstat shows and the factor from the input unit. */
function displayUnit(unit: string): { unit: string; scale: number; prefixes: Array<[number, string]> } {
  if (unit === 'ns/op') return { unit: 'sec/op', scale: 1e-9, prefixes: SI };
  if (unit === 'B/op' || unit.endsWith('-B/op')) return { unit, scale: 1, prefixes: IEC };
  return { unit, scale: 1, prefixes: SI };
}

/** Four significant digits with a prefix, as benchstat prints: 10.84n, 1.208Ki, 40.00. */
export function scaled(x: number, prefixes: Array<[number, string]>): string {
  if (x === 0) return '0.000';
  if (!Number.isFinite(x)) return String(x);
  const [factor, prefix] = prefixes.find(([f]) => Math.abs(x) >= f * 0.99995) ?? prefixes[prefixes.length - 1] ?? [1, ''];
  const v = x / factor;
  const digits = Math.abs(v) >= 99.995 ? 1 : Math.abs(v) >= 9.9995 ? 2 : 3;
  return `${v.toFixed(Math.abs(v) >= 999.95 ? 0 : digits)}${prefix}`;
}

function summary(xs: number[] | undefined, scale: number, prefixes: Array<[number, string]>, confidence: number): string {
  if (xs === undefined || xs.length === 0) return '';
  const m = median(xs);
  const [lo, hi] = medianInterval(xs, confidence);
  const spread = !Number.isFinite(lo) ? '∞' : m === 0 ? (lo === hi ? '0%' : '∞') : `${Math.round((Math.max(m - lo, hi - m) / Math.abs(m)) * 100)}%`;
  return `${scaled(m * scale, prefixes)} ± ${spread}`;
}

function pad(cells: string[][]): string[] {
  const widths = cells[0]?.map((_, i) => Math.max(...cells.map((r) => [...(r[i] ?? '')].length))) ?? [];
  return cells.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd());
}

function geomean(xs: number[]): number {
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

/** The comparison table of `before` and `after` (results of parseGoBench or runBenchFiles). */
export function compareResults(before: BenchResult[], after: BenchResult[], opts: CompareOptions = {}): string {
  const alpha = opts.alpha ?? 0.05;
  const confidence = opts.confidence ?? 0.95;
  const oldLabel = opts.oldLabel ?? 'old';
  const newLabel = opts.newLabel ?? 'new';
  const units: string[] = [];
  const rows = new Map<string, Map<string, Row>>(); // unit → name → samples
  const add = (results: BenchResult[], side: 'old' | 'new'): void => {
    for (const r of results) {
      const name = fullName(r).replace(/^Benchmark/, '') || 'Benchmark';
      for (const { unit, value } of r.values) {
        if (!rows.has(unit)) {
          rows.set(unit, new Map());
          units.push(unit);
        }
        const byName = rows.get(unit) as Map<string, Row>;
        const row = byName.get(name) ?? { name };
        (row[side] ??= []).push(value);
        byName.set(name, row);
      }
    }
  };
  add(before, 'old');
  add(after, 'new');

  const lines: string[] = [];
  const shared = Object.entries(before[0]?.config ?? {}).filter(([k, v]) => after.every((r) => r.config[k] === v)
    && before.every((r) => r.config[k] === v) && ['goos', 'goarch', 'pkg', 'cpu'].includes(k));
  for (const [k, v] of shared) lines.push(`${k}: ${v}`);
  for (const unit of units) {
    const { unit: shown, scale, prefixes } = displayUnit(unit);
    const table: string[][] = [['', oldLabel, newLabel, ''], ['', shown, shown, 'vs base']];
    const ratios: Array<[number, number]> = [];
    for (const row of (rows.get(unit) as Map<string, Row>).values()) {
      let delta = '';
      if (row.old !== undefined && row.new !== undefined) {
        const p = mannWhitneyU(row.old, row.new);
        const mo = median(row.old);
        const mn = median(row.new);
        const n = row.old.length === row.new.length ? `${row.old.length}` : `${row.old.length}+${row.new.length}`;
        const change = mo === 0 ? (mn === 0 ? '+0.00%' : '?') : `${mn >= mo ? '+' : ''}${(((mn - mo) / Math.abs(mo)) * 100).toFixed(2)}%`;
        delta = `${p > alpha ? '~' : change} (p=${p.toFixed(3)} n=${n})`;
        if (mo > 0 && mn > 0) ratios.push([mo, mn]);
      }
      table.push([row.name, summary(row.old, scale, prefixes, confidence), summary(row.new, scale, prefixes, confidence), delta]);
    }
    if (ratios.length > 1) {
      const go = geomean(ratios.map(([o]) => o));
      const gn = geomean(ratios.map(([, n]) => n));
      table.push(['geomean', scaled(go * scale, prefixes), scaled(gn * scale, prefixes), `${gn >= go ? '+' : ''}${(((gn - go) / go) * 100).toFixed(2)}%`]);
    }
    lines.push('', ...pad(table));
  }
  return `${lines.join('\n')}\n`;
}
