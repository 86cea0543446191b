// syncpool-bench vs mitata vs tinybench on the same six functions (six-functions.mjs), each
// harness in a fresh process at its default settings, run back to back `--rounds` times.
// Prints a Markdown table: per harness and function the median ns/op over the rounds, B/op
// (mitata: its heap estimate per op), allocs/op, and the median wall time of a whole harness
// run over the rounds, with the load average before and after.
// Usage: npm run build && node bench/harness-compare.mjs [--rounds 3] [--baseline DIR] [--harnesses a,b]
//   --baseline DIR: also runs an earlier syncpool-bench, DIR being a built copy of the repository
//     at that version with bench/six.bench.mjs and bench/six-functions.mjs in it (for the
//     before/after wall times of a change, measured back to back with the rest);
//   --harnesses: the comma-separated harnesses to run (default all).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const cli = here('../packages/bench/dist/cli.js');
const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, child: { type: 'string' }, baseline: { type: 'string' }, harnesses: { type: 'string' } },
});

async function mitataChild() {
  const { bench, run, do_not_optimize } = await import('mitata');
  const { SIX } = await import('./six-functions.mjs');
  for (const [name, op] of Object.entries(SIX)) bench(name, () => do_not_optimize(op()));
  const { benchmarks } = await run({ format: 'quiet' });
  return benchmarks.map((t) => {
    const s = t.runs[0].stats;
    return { name: t.alias, ns: s.avg, bytes: s.heap === undefined ? undefined : s.heap.avg };
  });
}

async function tinybenchChild() {
  const { Bench } = await import('tinybench');
  const { SIX } = await import('./six-functions.mjs');
  const b = new Bench();
  let keep;
  for (const [name, op] of Object.entries(SIX)) b.add(name, () => { keep = op(); });
  await b.run();
  void keep;
  return b.tasks.map((t) => ({ name: t.name, ns: t.result.latency.mean * 1e6 }));
}

if (args.child !== undefined) {
  const rows = await (args.child === 'mitata' ? mitataChild() : tinybenchChild());
  process.stdout.write(JSON.stringify(rows));
  process.exit(0);
}

function timed(argv) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited with ${r.status}:\n${r.stderr}`);
  return { wall, stdout: r.stdout };
}

const json = '/tmp/harness-compare-syncpool.json';
const v = (r, unit) => r.values.find((x) => x.unit === unit)?.value;
/** syncpool-bench's CLI at `cliPath` on `file`, its results read back from --json. */
function syncpoolBench(cliPath, file) {
  const { wall } = timed([cliPath, file, '--json', json]);
  const { results } = JSON.parse(readFileSync(json, 'utf8'));
  return { wall, rows: results.map((r) => ({ name: r.name.replace(/^Benchmark/, ''), ns: v(r, 'ns/op'), bytes: v(r, 'B/op'), allocs: v(r, 'allocs/op') })) };
}
const all = {
  'syncpool-bench': () => syncpoolBench(cli, here('six.bench.mjs')),
  ...(args.baseline === undefined ? {} : {
    'syncpool-bench baseline': () => syncpoolBench(join(args.baseline, 'packages/bench/dist/cli.js'), join(args.baseline, 'bench/six.bench.mjs')),
  }),
  mitata: () => {
    const { wall, stdout } = timed(['--expose-gc', here('harness-compare.mjs'), '--child', 'mitata']);
    return { wall, rows: JSON.parse(stdout) };
  },
  tinybench: () => {
    const { wall, stdout } = timed([here('harness-compare.mjs'), '--child', 'tinybench']);
    return { wall, rows: JSON.parse(stdout) };
  },
};
const harnesses = Object.fromEntries(Object.entries(all).filter(([h]) => args.harnesses === undefined || args.harnesses.split(',').includes(h)));

const median = (xs) => {
  const s = xs.filter((x) => x !== undefined).sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const rounds = Number(args.rounds);
const runs = Object.fromEntries(Object.keys(harnesses).map((h) => [h, []]));
const loadBefore = loadavg();
for (let i = 0; i < rounds; i++) {
  for (const [h, go] of Object.entries(harnesses)) {
    const r = go();
    runs[h].push(r);
    process.stderr.write(`round ${i + 1} ${h}: ${r.wall.toFixed(1)} s (load ${loadavg()})\n`);
  }
}
const fmt = (x, digits) => (x === undefined ? '—' : x.toFixed(digits));
const lines = [
  `${rounds} rounds, harnesses back to back in each; medians over the rounds. Load average ${loadBefore} before, ${loadavg()} after.`,
  '',
  '| function | ' + Object.keys(harnesses).map((h) => `${h} ns/op`).join(' | ') + ' | syncpool-bench B/op | syncpool-bench allocs/op | mitata heap B/op |',
  '|---|' + Object.keys(harnesses).map(() => '---:').join('|') + '|---:|---:|---:|',
];
const names = runs['syncpool-bench'][0].rows.map((r) => r.name);
const cell = (h, name, key) => median((runs[h] ?? []).map((r) => r.rows.find((x) => x.name === name)?.[key]));
for (const name of names) {
  lines.push(`| ${name} | ${Object.keys(harnesses).map((h) => fmt(cell(h, name, 'ns'), 2)).join(' | ')} | ` +
    `${fmt(cell('syncpool-bench', name, 'bytes'), 0)} | ${fmt(cell('syncpool-bench', name, 'allocs'), 0)} | ${fmt(cell('mitata', name, 'bytes'), 0)} |`);
}
lines.push(`| **wall time, s** | ${Object.keys(harnesses).map((h) => fmt(median(runs[h].map((r) => r.wall)), 1)).join(' | ')} | | | |`);
const ratios = (a, b) => runs[a].map((r, i) => r.wall / runs[b][i].wall);
for (const [a, b] of [['syncpool-bench', 'mitata'], ['syncpool-bench baseline', 'mitata'], ['syncpool-bench', 'syncpool-bench baseline']]) {
  if (runs[a] === undefined || runs[b] === undefined) continue;
  const each = ratios(a, b);
  lines.push('', `${a} / ${b} wall time: ${median(each).toFixed(2)}× (median of the per-round ratios: ${each.map((x) => x.toFixed(2)).join(', ')}).`);
}
process.stdout.write(`${lines.join('\n')}\n`);
