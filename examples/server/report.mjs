// @ts-check
// The grid's results: each run as a Go benchmark line (benchstat reads them: `benchstat -col
// /alloc results.txt`), and, read back from those lines, the markdown summary and one Vega-Lite
// chart rendered to SVG by the lab's renderer. Statistics are syncpool-bench's, i.e. benchstat's:
// medians, and the Mann-Whitney U test that decides whether a difference is more than noise.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { compareResults, parseGoBench } from 'syncpool-bench';
import { mannWhitneyU, median } from '../../packages/bench/dist/stats.js';
import { renderSvg } from '../../packages/lab/dist/report/charts.js';
import { ELD_RESOLUTION_MS } from './metrics.mjs';

/**
 * @typedef {object} Run one measured run: one server started, loaded, measured and stopped
 * @property {'http' | 'frame'} protocol
 * @property {number} payload
 * @property {number} procs
 * @property {string} alloc
 * @property {number} requests
 * @property {number} seconds
 * @property {number} p50 latency percentiles, ns
 * @property {number} p99
 * @property {number} p999
 * @property {import('./metrics.mjs').ProcessMetrics[]} workers one per serving process
 */

const ALPHA = 0.05;

const sumOf = (/** @type {number[]} */ xs) => xs.reduce((a, b) => a + b, 0);

/**
 * One Go benchmark result line: the name, the requests served as the iteration count, then
 * value-unit pairs, each unit a single token as golang.org/x/perf/benchfmt requires. Counts and
 * peaks are summed over the serving processes (what the machine pays); event-loop delay is the
 * worst process's, less the monitor's resolution (its histogram records whole timer intervals).
 * @param {Run} run
 */
export function goLine(run) {
  const w = run.workers;
  const figures = {
    'ns/op': (run.seconds * 1e9) / run.requests,
    'req/s': run.requests / run.seconds,
    'p50-ns': run.p50,
    'p99-ns': run.p99,
    'p99.9-ns': run.p999,
    'gc-ns/op': (sumOf(w.map((m) => m.gcMs)) * 1e6) / run.requests,
    'minor-GCs': sumOf(w.map((m) => m.gcCounts.minor)),
    'major-GCs': sumOf(w.map((m) => m.gcCounts.major)),
    'incremental-GCs': sumOf(w.map((m) => m.gcCounts.incremental)),
    'weakcb-GCs': sumOf(w.map((m) => m.gcCounts.weakcb)),
    'eld-p99-ns': Math.max(0, ...w.map((m) => m.eldP99Ns - ELD_RESOLUTION_MS * 1e6)),
    'rss-peak-B': sumOf(w.map((m) => m.rssPeak)),
    'heap-peak-B': sumOf(w.map((m) => m.heapPeak)),
    'arraybuffers-peak-B': sumOf(w.map((m) => m.arrayBuffersPeak)),
  };
  const name = `Benchmark${run.protocol === 'http' ? 'HTTP' : 'Frames'}/payload=${run.payload}/procs=${run.procs}/alloc=${run.alloc}`;
  const pairs = Object.entries(figures).map(([unit, value]) => `${formatValue(value)} ${unit}`);
  return [name, String(run.requests), ...pairs].join('\t');
}

/** @param {number} x */
function formatValue(x) {
  return Number.isInteger(x) ? String(x) : x >= 100 ? x.toFixed(1) : x.toPrecision(4);
}

/**
 * @typedef {object} Comparison pooled against the baseline for one configuration
 * @property {'http' | 'frame'} protocol
 * @property {number} payload
 * @property {number} procs
 * @property {Record<string, number[]>} pool each unit's values, one per round
 * @property {Record<string, number[]>} base
 * @property {number[]} ratios pooled/baseline req/s of the two runs of each round
 * @property {number} p Mann-Whitney U p-value of req/s
 */

const NAME = /^Benchmark(HTTP|Frames)\/payload=(\d+)\/procs=(\d+)\/alloc=([^/]+)$/;

/**
 * Pairs each round's pooled run with its baseline run, in the grid's results as parsed back from
 * its Go benchmark text (so that a saved results file can be summarized again): bench.mjs writes
 * rounds in order, so the i-th result of each side is round i.
 * @param {import('syncpool-bench').BenchResult[]} results
 * @param {string} baseline
 * @returns {Comparison[]}
 */
function compare(results, baseline) {
  /** @type {Map<string, Comparison>} */
  const byConfig = new Map();
  for (const result of results) {
    const m = NAME.exec(result.name);
    if (m === null || (m[4] !== 'pool' && m[4] !== baseline)) continue;
    const key = `${m[1]}/${m[2]}/${m[3]}`;
    let c = byConfig.get(key);
    if (c === undefined) {
      c = { protocol: m[1] === 'HTTP' ? 'http' : 'frame', payload: Number(m[2]), procs: Number(m[3]), pool: {}, base: {}, ratios: [], p: 1 };
      byConfig.set(key, c);
    }
    const side = m[4] === 'pool' ? c.pool : c.base;
    for (const { unit, value } of result.values) (side[unit] ??= []).push(value);
  }
  for (const c of byConfig.values()) {
    const [pool, base] = [c.pool['req/s'] ?? [], c.base['req/s'] ?? []];
    c.ratios = pool.slice(0, base.length).map((rate, i) => rate / /** @type {number} */ (base[i]));
    c.p = mannWhitneyU(pool, base);
  }
  return [...byConfig.values()];
}

/** @param {Comparison} c */
function verdict(c) {
  if (c.p > ALPHA) return `noise (p=${c.p.toFixed(2)})`;
  return `pool ${median(c.ratios) > 1 ? 'faster' : 'slower'} (p=${c.p.toFixed(3)})`;
}

const KIB = 1024;
/** @param {number} bytes */
const size = (bytes) => (bytes >= KIB * KIB ? `${round(bytes / KIB / KIB)} MiB` : bytes >= KIB ? `${round(bytes / KIB)} KiB` : `${bytes} B`);
/** @param {number} x */
const round = (x) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : Number(x.toPrecision(3)).toString());
/** @param {number[] | undefined} xs */
const med = (xs) => (xs === undefined || xs.length === 0 ? NaN : median(xs));
/** @param {number[]} xs */
const range = (xs) => `${round(Math.min(...xs))}–${round(Math.max(...xs))}`;
/** @param {number} ns */
const ms = (ns) => `${round(ns / 1e6)}`;
/** @param {Comparison} c */
const label = (c) => `${c.protocol === 'http' ? 'HTTP' : 'frames'}, ${c.procs} proc${c.procs > 1 ? 's' : ''}`;

/**
 * The markdown summary: throughput and latency, then GC and memory, pooled beside the baseline.
 * @param {Comparison[]} comparisons
 * @param {string} baseline
 */
function markdownTables(comparisons, baseline) {
  const head = (/** @type {string[]} */ cells) => [`| ${cells.join(' | ')} |`, `|${cells.map((_, i) => (i < 3 ? '---' : '--:')).join('|')}|`];
  // Both medians, then the change when the Mann-Whitney U test says it is more than noise, as benchstat prints it.
  const pair = (/** @type {Comparison} */ c, /** @type {string} */ unit, /** @type {(x: number) => string} */ show) => {
    const [pool, base] = [c.pool[unit] ?? [], c.base[unit] ?? []];
    const change = ((med(pool) - med(base)) / med(base)) * 100;
    const p = mannWhitneyU(pool, base);
    return `${show(med(pool))} / ${show(med(base))} ${p > ALPHA || !Number.isFinite(change) ? '~' : `(${change > 0 ? '+' : ''}${change.toFixed(0)}%)`}`;
  };
  const lines = [
    `Medians over the rounds; ranges are min–max. A "pool / ${baseline}" cell gives both medians and the change, or ~ ` +
      `when the Mann-Whitney U test (benchstat's) gives p > ${ALPHA}: the difference is within the noise.`,
    '',
    ...head(['server', 'payload', 'procs', 'req/s pool (range)', `req/s ${baseline} (range)`, 'ratio (range)', 'verdict', 'p50 ms', 'p99 ms', 'p99.9 ms']),
  ];
  for (const c of comparisons) {
    lines.push(`| ${c.protocol === 'http' ? 'HTTP' : 'frames'} | ${size(c.payload)} | ${c.procs} | ${round(med(c.pool['req/s']))} (${range(c.pool['req/s'] ?? [])}) | ` +
      `${round(med(c.base['req/s']))} (${range(c.base['req/s'] ?? [])}) | ${med(c.ratios).toFixed(3)} (${Math.min(...c.ratios).toFixed(2)}–${Math.max(...c.ratios).toFixed(2)}) | ` +
      `${verdict(c)} | ${pair(c, 'p50-ns', ms)} | ${pair(c, 'p99-ns', ms)} | ${pair(c, 'p99.9-ns', ms)} |`);
  }
  lines.push('', ...head(['server', 'payload', 'procs', 'GC µs per 1000 req', 'minor GCs', 'major GCs', 'event-loop delay p99 ms', 'RSS peak MiB', 'heap peak MiB', 'ArrayBuffers peak']));
  for (const c of comparisons) {
    lines.push(`| ${c.protocol === 'http' ? 'HTTP' : 'frames'} | ${size(c.payload)} | ${c.procs} | ${pair(c, 'gc-ns/op', (x) => round(x))} | ${pair(c, 'minor-GCs', round)} | ` +
      `${pair(c, 'major-GCs', round)} | ${pair(c, 'eld-p99-ns', ms)} | ${pair(c, 'rss-peak-B', (x) => round(x / KIB / KIB))} | ` +
      `${pair(c, 'heap-peak-B', (x) => round(x / KIB / KIB))} | ${pair(c, 'arraybuffers-peak-B', size)} |`);
  }
  return lines.join('\n');
}

/**
 * benchstat's view of the same results: every unit, baseline against pool, by syncpool-bench's compare.
 * @param {import('syncpool-bench').BenchResult[]} results
 * @param {string} baseline
 */
function benchstatView(results, baseline) {
  /** @param {string} alloc */
  const side = (alloc) => {
    const suffix = `/alloc=${alloc}`;
    return results.filter((r) => r.name.endsWith(suffix)).map((r) => ({ ...r, name: r.name.slice(0, -suffix.length) }));
  };
  return compareResults(side(baseline), side('pool'), { oldLabel: baseline, newLabel: 'pool' });
}

/**
 * The chart: requests/s pooled ÷ baseline per payload and server, the median of the rounds'
 * ratios as a point and their min–max as a line, on a log axis (so that ×2 and ÷2 look alike).
 * A faint point is noise by the Mann-Whitney U test.
 * @param {Comparison[]} comparisons
 * @param {string} baseline
 */
function chartSvg(comparisons, baseline) {
  const [signal, noise] = [`difference (p ≤ ${ALPHA})`, `noise (p > ${ALPHA})`];
  const data = comparisons.map((c) => ({
    payload: size(c.payload),
    server: label(c),
    ratio: med(c.ratios),
    low: Math.min(...c.ratios),
    high: Math.max(...c.ratios),
    verdict: c.p > ALPHA ? noise : signal,
  }));
  const x = { field: 'payload', type: 'nominal', title: 'payload', sort: null, axis: { labelAngle: 0 } };
  const xOffset = { field: 'server', type: 'nominal' };
  const y = { type: 'quantitative', scale: { type: 'log' } };
  /** @type {any} */
  const spec = {
    title: `Requests/s with BytesPool ÷ with Buffer.${baseline}`,
    layer: [
      {
        data: { values: [{ one: 1 }] },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
        encoding: { y: { ...y, field: 'one' } },
      },
      {
        data: { values: data },
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: { x, xOffset, y: { ...y, field: 'low', title: 'ratio, log scale (median and range of rounds)' }, y2: { field: 'high' }, color: { field: 'server', type: 'nominal', title: null } },
      },
      {
        data: { values: data },
        mark: { type: 'point', filled: true, size: 80 },
        encoding: {
          x,
          xOffset,
          y: { ...y, field: 'ratio' },
          color: { field: 'server', type: 'nominal', title: null, legend: { symbolOpacity: 1 } },
          opacity: { field: 'verdict', type: 'ordinal', title: null, scale: { domain: [signal, noise], range: [1, 0.3] } },
          tooltip: [{ field: 'server' }, { field: 'payload' }, { field: 'ratio', format: '.2f' }, { field: 'verdict' }],
        },
      },
    ],
  };
  return renderSvg(spec);
}

/**
 * Writes the markdown summary and the chart for the Go benchmark text `goText` (already saved at rawPath).
 * @param {{ goText: string, baseline: string, rawPath: string, resultsPath: string, chartPath: string }} options
 */
export async function writeReport({ goText, baseline, rawPath, resultsPath, chartPath }) {
  const config = (/** @type {string} */ key) => new RegExp(`^${key}: (.*)$`, 'm').exec(goText)?.[1] ?? '?';
  const seconds = /^ok\t\S+\t([\d.]+)s$/m.exec(goText)?.[1] ?? '?';
  const rel = (/** @type {string} */ path) => relative(dirname(resultsPath), path);
  const results = parseGoBench(goText);
  const comparisons = compare(results, baseline);
  const markdown = [
    '# Does pooling help a real server? Results',
    '',
    `Written by \`npm run bench:server\` (examples/server/bench.mjs) in ${seconds} s. ${config('setup')}; ` +
      `pool and ${baseline} alternate within each round. ${config('cores')} cores (${config('cpu')}), Node ${config('node')}; ` +
      `load average (uptime) ${config('load-at-start')} at the start, ${config('load-at-end')} at the end.`,
    '',
    markdownTables(comparisons, baseline),
    '',
    `![Change in requests/s from BytesPool](${rel(chartPath)})`,
    '',
    `Raw results: [${rel(rawPath)}](${rel(rawPath)}); \`benchstat -col /alloc ${rel(rawPath)}\` compares them.`,
    '',
    '<details><summary>Every metric, benchstat-style (syncpool-bench compare)</summary>',
    '',
    '```',
    benchstatView(results, baseline).trim(),
    '```',
    '',
    '</details>',
    '',
  ].join('\n');
  for (const path of [resultsPath, chartPath]) mkdirSync(dirname(path), { recursive: true });
  writeFileSync(resultsPath, markdown);
  writeFileSync(chartPath, await chartSvg(comparisons, baseline));
}
