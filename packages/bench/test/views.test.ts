// The views beside Go's text: spreads (median, p75, p99, min–max), boxplots, histograms,
// summary bar charts, and parameterised sub-benchmarks named as Go names them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { B, histograms, parseGoBench, range, runBenchFiles, spread, spreadTable } from 'syncpool-bench';
import { bar, boxplot, percentile } from '../src/views.js';

const ten = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];

test('spread: nearest-rank percentiles, every figure a sample', () => {
  assert.deepEqual(spread(ten), { n: 10, median: 5.5, p25: 3, p75: 8, p99: 10, min: 1, max: 10 });
  assert.deepEqual(spread([4]), { n: 1, median: 4, p25: 4, p75: 4, p99: 4, min: 4, max: 4 });
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
  assert.equal(percentile([...hundred].sort((a, b) => a - b), 99), 99);
  assert.equal(percentile([...hundred].sort((a, b) => a - b), 75), 75);
  assert.throws(() => percentile([], 50), RangeError);
});

test('boxplot: whiskers min–max, box p25–p75, median mark, on the given scale', () => {
  // min 1, p25 3, median 5.5 (column 6), p75 8, max 10.
  assert.equal(boxplot(spread(ten), 0, 10, 11), ' --[--|-]--');
  // Two benchmarks on one scale: the faster one's marks sit left of the slower one's.
  assert.equal(boxplot(spread([1, 2, 3]), 0, 10, 11), ' [|]       ');
  assert.equal(boxplot(spread([5]), 5, 5, 4), '|   ');
});

test('bar: to scale in eighths, a sliver for any value above zero, nothing for zero', () => {
  assert.equal(bar(10, 10, 4), '████');
  assert.equal(bar(5, 10, 4), '██');
  assert.equal(bar(1, 8, 1), '▏');
  assert.equal(bar(0.001, 10, 4), '▏');
  assert.equal(bar(0, 10, 4), '');
});

const results = parseGoBench([
  ...[3, 5, 4, 4, 9].map((ns) => `BenchmarkA-2   100  ${ns} ns/op`),
  'BenchmarkB-2   100  20 ns/op',
].join('\n'));

test('spreadTable: one row per benchmark, the spread and a boxplot on a scale per group; one sample said so', () => {
  const table = spreadTable(results, { width: 21 }).split('\n');
  assert.match(table[0] ?? '', /^benchmark\s+n\s+median\s+p75\s+p99\s+min\s+max {2}ns\/op$/);
  // The group's scale line: its 0 sits where the boxplots start.
  assert.equal(table[1]?.indexOf('0 … 20.00'), table[2]?.search(/ {3}-\|\]----/) ?? -1);
  assert.match(table[1] ?? '', /^\(top level\)\s+0 … 20\.00$/);
  assert.match(table[2] ?? '', /^BenchmarkA-2\s+5\s+4\.000\s+5\.000\s+9\.000\s+3\.000\s+9\.000 {2} {3}-\|\]---- {11}$/);
  assert.match(table[3] ?? '', /^BenchmarkB-2\s+1\s+20\.00\s+20\.00\s+20\.00\s+20\.00\s+20\.00 {2} {20}\|$/);
  assert.match(table[4] ?? '', /^\(n = 1: one sample/);
  // Two groups, two scales: the fast group's boxes are not squeezed against the slow one's.
  const grouped = spreadTable(parseGoBench('BenchmarkF/x-2 1 1 ns/op\nBenchmarkF/y-2 1 2 ns/op\nBenchmarkS/z-2 1 1000 ns/op\n'), { width: 11 });
  assert.match(grouped, /^F\s+0 … 2\.000\nBenchmarkF\/x-2 .*1\.000 {7}\| {5}\nBenchmarkF\/y-2 .*2\.000 {12}\|\nS\s+0 … 1000\n/m);
  assert.equal(spreadTable(results, { unit: 'B/op' }), 'no results with B/op\n');
});

test('histograms: equal bins from min to max, counts that add up to the samples', () => {
  const text = histograms(results, { bins: 3, width: 6 });
  assert.equal(text.split('\n\n')[0], [
    'BenchmarkA-2 (ns/op, 5 samples, median 4.000)',
    '      3.000 – 5.000     ██████ 3',
    '      5.000 – 7.000     ██ 1',
    '      7.000 – 9.000     ██ 1',
  ].join('\n'));
  assert.match(text, /BenchmarkB-2 \(ns\/op, 1 sample, median 20\.00\)\n {6}20\.00 – 20\.00 {5}█{6} 1\n$/);
});

test('range and runEach: sub-benchmarks named param=value, as Go names them, each measured', async () => {
  assert.deepEqual(range(8, 1024), [8, 16, 32, 64, 128, 256, 512, 1024]);
  assert.deepEqual(range(1, 100, 10), [1, 10, 100]);
  assert.throws(() => range(0, 8), RangeError);
  assert.throws(() => range(8, 4), RangeError);
  assert.throws(() => range(1, 8, 1), RangeError);
  const b = new B('BenchmarkX', { start() {}, stop() {}, reset() {} }, () => true);
  assert.throws(() => b.runEach('n=1', [1], () => {}), TypeError);
  assert.throws(() => b.runEach('n', 5 as unknown as number[], () => {}), TypeError);
  assert.throws(() => b.runEach('n', [1], 'x' as unknown as () => void), TypeError);
  const run = await runBenchFiles([fileURLToPath(new URL('fixtures/params.bench.mjs', import.meta.url))], { benchtime: '1000x', onOutput: () => {} });
  assert.deepEqual(run.failures, []);
  assert.deepEqual(run.results.map((r) => r.name),
    ['BenchmarkSize/n=8', 'BenchmarkSize/n=16', 'BenchmarkSize/n=32', 'BenchmarkKind/kind=object', 'BenchmarkKind/kind=array']);
  assert.match(run.text, /^BenchmarkSize\/n=8-\d+\s/m);
  // Each value reaches its own sub-benchmark: the arrays grow with n.
  const bytes = run.results.slice(0, 3).map((r) => r.values.find((v) => v.unit === 'B/op')?.value ?? NaN);
  assert.ok(bytes[0]! < bytes[1]! && bytes[1]! < bytes[2]!, `B/op by n: ${bytes.join(', ')}`);
});

test('CLI: stats prints the spread table or histograms; --view takes spread, histogram or none', () => {
  const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  const go = fileURLToPath(new URL('fixtures/go-test-bench.txt', import.meta.url));
  const stats = spawnSync(process.execPath, [cli, 'stats', go], { encoding: 'utf8' });
  assert.equal(stats.status, 0, stats.stderr);
  assert.match(stats.stdout, /^benchmark\s+n\s+median\s+p75\s+p99\s+min\s+max {2}ns\/op\n\(top level\)\s+0 … 853\.8\nBenchmarkPool-2\s+2\s+20\.80\s+23\.66\s+23\.66\s+17\.95\s+23\.66/);
  const hist = spawnSync(process.execPath, [cli, 'stats', '--histogram', go], { encoding: 'utf8' });
  assert.match(hist.stdout, /^BenchmarkPool-2 \(ns\/op, 2 samples, median 20\.80\)\n/);
  const params = fileURLToPath(new URL('fixtures/params.bench.mjs', import.meta.url));
  const shown = spawnSync(process.execPath, [cli, params, '--bench', 'Kind', '--benchtime', '100x', '--view', 'spread'], { encoding: 'utf8' });
  assert.equal(shown.status, 0, shown.stderr);
  assert.match(shown.stdout, /^ok {2}\t.*params\.bench\.mjs\t[\d.]+s\n\nbenchmark\s+n\s+median/m);
  const plain = spawnSync(process.execPath, [cli, params, '--bench', 'Kind', '--benchtime', '100x'], { encoding: 'utf8' });
  assert.doesNotMatch(plain.stdout, /median/, 'stdout not a terminal: Go\'s text alone');
  const bad = spawnSync(process.execPath, [cli, params, '--view', 'pie'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /must be one of spread, histogram, none/);
});
