import { valueOf, type BenchResult } from './benchfmt.js';
import { median } from './stats.js';
import { bar, figure as number, splitName } from './views.js';

// Contenders side by side: benchmarks named Group/Contender (the last level is the contender,
// the rest the group, e.g. BenchmarkPeers/SinkStore/Pool) become one Markdown table with a
// column per group and a row per contender, each cell the median and the min–max of its
// runs, followed by each group's ranking, fastest first, and a bar chart of each group's
// medians (bars to scale within the group).

export interface SummaryOptions {
  /** The unit to tabulate (default ns/op); lower is better. */
  unit?: string;
}

const BAR_WIDTH = 40;

interface Cell { median: number; min: number; max: number; n: number }


export function summarize(results: BenchResult[], opts: SummaryOptions = {}): string {
  const unit = opts.unit ?? 'ns/op';
  const samples = new Map<string, Map<string, number[]>>();
  for (const r of results) {
    const v = valueOf(r, unit);
    if (v === undefined) continue;
    const [group, contender] = splitName(r.name);
    const row = samples.get(group) ?? new Map<string, number[]>();
    row.set(contender, [...(row.get(contender) ?? []), v]);
    samples.set(group, row);
  }
  if (samples.size === 0) return `no results with ${unit}\n`;
  const cells = new Map([...samples].map(([group, row]) => [group, new Map([...row].map(([c, xs]) => [c, {
    median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length,
  } satisfies Cell]))]));
  const groups = [...cells.keys()];
  const contenders = [...new Set([...cells.values()].flatMap((row) => [...row.keys()]))];
  const label = (group: string) => group || '(top level)';
  const lines = [
    `| ${unit}: median (min–max) | ${groups.map(label).join(' | ')} |`,
    `|---|${groups.map(() => '---').join('|')}|`,
  ];
  for (const c of contenders) {
    const row = groups.map((g) => {
      const cell = cells.get(g)?.get(c);
      return cell === undefined ? '' : `${number(cell.median)} (${number(cell.min)}–${number(cell.max)}${cell.n === 1 ? ', 1 run' : ''})`;
    });
    lines.push(`| ${c} | ${row.join(' | ')} |`);
  }
  lines.push('');
  for (const [g, row] of cells) {
    const ranked = [...row].sort(([, a], [, b]) => a.median - b.median);
    lines.push(`- ${label(g)}: ${ranked.map(([c, cell]) => `${c} ${number(cell.median)}`).join(' < ')}`);
  }
  for (const [g, row] of cells) {
    const top = Math.max(...[...row.values()].map((cell) => cell.median));
    const width = Math.max(...[...row.keys()].map((c) => c.length));
    lines.push('', `${label(g)} (${unit}, median)`);
    for (const [c, cell] of [...row].sort(([, a], [, b]) => a.median - b.median)) {
      lines.push(`  ${c.padEnd(width)}  ${bar(cell.median, top, BAR_WIDTH).padEnd(BAR_WIDTH)}  ${number(cell.median)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
