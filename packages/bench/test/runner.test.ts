// The harness end to end, as it ships (the built package: npm test builds first): fresh
// processes per benchmark and pass, Go-format output, accuracy on the calibration workloads,
// and every bad-input case of issue 3.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { BenchError, parseGoBench, runBenchFiles, valueOf, type BenchResult } from 'syncpool-bench';

const fixture = (name: string): string => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const quiet = { onOutput: (): void => {} };

function find(results: BenchResult[], name: string): BenchResult {
  const r = results.find((x) => x.name === name);
  assert.ok(r, `no result for ${name}`);
  return r;
}

test('calibration workloads read their true B/op and allocs/op through the harness', async () => {
  const run = await runBenchFiles([fixture('calibration.bench.mjs')], { benchtime: '100x', ...quiet });
  assert.deepEqual(run.failures, []);
  const parsed = parseGoBench(run.text);
  assert.equal(parsed.length, run.results.length);
  const text = (name: string, unit: string): number | undefined => valueOf(find(parsed, name), unit);
  assert.equal(text('BenchmarkZeroAlloc', 'B/op'), 0);
  assert.equal(text('BenchmarkZeroAlloc', 'allocs/op'), 0);
  assert.equal(text('BenchmarkObject', 'allocs/op'), 1);
  const objectBytes = valueOf(find(run.results, 'BenchmarkObject'), 'B/op') ?? NaN;
  assert.ok(Math.abs(objectBytes - 40) <= 0.8, `{a:1,b:2}: ${objectBytes} B/op`);
  assert.ok((text('BenchmarkUint8Array1024', 'B/op') ?? 0) >= 1024);
  assert.equal(text('BenchmarkUint8Array1024', 'offheap-B/op'), 1024);
  assert.equal(text('BenchmarkUint8Array1024', 'allocs/op'), 2);
  assert.ok((text('BenchmarkUint8Array1024', 'MB/s') ?? 0) > 0);
  // Sub-benchmarks, Go's name rewriting, reportMetric; the parent itself is not a result.
  assert.equal(text('BenchmarkSizes/size_16', 'elems'), 16);
  assert.equal(text('BenchmarkSizes/size_256', 'elems'), 256);
  assert.ok(!parsed.some((r) => r.name === 'BenchmarkSizes'));
  // stopTimer/startTimer around work in the loop: only the {a: i} counts.
  assert.equal(text('BenchmarkTimer', 'allocs/op'), 1);
  assert.equal(text('BenchmarkTimer', 'B/op'), 32);
  for (const r of parsed) assert.deepEqual(r.values.map((v) => v.unit).slice(-2), ['B/op', 'allocs/op']);
  assert.match(run.text, /^goos: linux\ngoarch: \w+\npkg: .*calibration\.bench\.mjs\ncpu: .+\n/);
  assert.match(run.text, /^memory-flags: --no-concurrent-array-buffer-sweeping/m);
  assert.match(run.text, /^PASS\nok  \t.*calibration\.bench\.mjs\t\d+\.\d{3}s$/m);
});

test('a body the optimizer removes is flagged; sink() keeps the work', async () => {
  const run = await runBenchFiles([fixture('calibration.bench.mjs')], { benchtime: '30ms', bench: '^Benchmark(DeadObject|Object)$', ...quiet });
  assert.deepEqual(run.results.map((r) => r.name), ['BenchmarkObject', 'BenchmarkDeadObject']);
  assert.ok(run.warnings.some((w) => w.startsWith('BenchmarkDeadObject') && /sink\(\)/.test(w)), run.warnings.join('\n'));
  assert.ok(!run.warnings.some((w) => w.startsWith('BenchmarkObject')));
  assert.ok((valueOf(find(run.results, 'BenchmarkDeadObject'), 'allocs/op') ?? 1) < 0.01);
  assert.equal(valueOf(find(run.results, 'BenchmarkObject'), 'allocs/op'), 1);
});

test('a throwing benchmark, one that ignores b.N and a failing sub-benchmark fail; the others still run', async () => {
  const run = await runBenchFiles([fixture('failures.bench.ts')], { benchtime: '50x', count: 2, ...quiet });
  assert.deepEqual([...new Set(run.results.map((r) => r.name))], ['BenchmarkFine', 'BenchmarkParent/ok']);
  assert.equal(run.results.filter((r) => r.name === 'BenchmarkFine').length, 2); // --count 2
  const failures = Object.fromEntries(run.failures.map((f) => [f.name, f.message]));
  assert.match(failures['BenchmarkThrows'] ?? '', /deliberate failure/);
  assert.match(failures['BenchmarkIgnoresN'] ?? '', /b\.N was never read/);
  assert.match(failures['BenchmarkParent/bad'] ?? '', /RangeError: sub-benchmark failure/);
  assert.match(run.text, /^--- FAIL: BenchmarkThrows-\d+\n {4}Error: deliberate failure/m);
  assert.match(run.text, /^FAIL\nFAIL\t.*failures\.bench\.ts/m);
});

test('a file that fails to load is reported and the other files still run', async () => {
  const run = await runBenchFiles([fixture('broken.bench.ts'), fixture('failures.bench.ts')], { benchtime: '10x', bench: 'Fine', ...quiet });
  assert.equal(run.failures.length, 1);
  assert.match(run.failures[0]?.message ?? '', /cannot load .*broken\.bench\.ts[\s\S]*fails at import on purpose/);
  assert.deepEqual(run.results.map((r) => r.name), ['BenchmarkFine']);
});

test('bad arguments throw BenchError before anything runs', async () => {
  await assert.rejects(runBenchFiles([fixture('no-such.bench.ts')]), (e: unknown) => e instanceof BenchError && /no such file/.test(e.message));
  await assert.rejects(runBenchFiles([fixture('failures.bench.ts')], { bench: 'a(' }), (e: unknown) => e instanceof BenchError && /not a valid regular expression/.test(e.message));
  await assert.rejects(runBenchFiles([fixture('failures.bench.ts')], { benchtime: '10 seconds' }), (e: unknown) => e instanceof BenchError && /invalid duration/.test(e.message));
  await assert.rejects(runBenchFiles([fixture('failures.bench.ts')], { count: 0 }), BenchError);
  const empty = mkdtempSync(join(tmpdir(), 'syncpool-bench-'));
  await assert.rejects(runBenchFiles([empty]), (e: unknown) => e instanceof BenchError && /no \*\.bench\.ts/.test(e.message));
});

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('CLI: Go text on stdout, JSON with the same data, exit 1 on failures, 2 on bad input', () => {
  const json = join(mkdtempSync(join(tmpdir(), 'syncpool-bench-')), 'out.json');
  const ok = runCli([fixture('failures.bench.ts'), '--bench', '^BenchmarkFine$', '--benchtime', '20x', '--json', json]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^BenchmarkFine-\d+\s+20\s/m);
  const data = JSON.parse(readFileSync(json, 'utf8')) as { results: BenchResult[] };
  assert.deepEqual(data.results.map((r) => r.name), ['BenchmarkFine']);
  assert.equal(data.results[0]?.iterations, 20);
  assert.equal(runCli([fixture('failures.bench.ts'), '--bench', 'Throws', '--benchtime', '5x']).status, 1);
  const badTime = runCli([fixture('failures.bench.ts'), '--benchtime', 'soon']);
  assert.equal(badTime.status, 2);
  assert.match(badTime.stderr, /--benchtime "soon": invalid duration/);
  assert.equal(runCli([fixture('missing.bench.ts')]).status, 2);
  assert.equal(runCli([fixture('failures.bench.ts'), '--count', '0']).status, 2);
  assert.equal(ok.stderr.includes('\u001b['), false, 'no progress bar when stderr is not a terminal');
});

test('CLI compare: a benchstat-style table from Go fixture files', () => {
  const r = runCli(['compare', fixture('go-test-bench.txt'), fixture('go-test-bench-cpu.txt')]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /sec\/op/);
  assert.match(r.stdout, /^Pool-2 .*~ \(p=\d\.\d{3} n=2\+1\)$/m);
  const bad = runCli(['compare', fixture('go-test-bench.txt'), fixture('calibration.bench.mjs')]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /no benchmark result lines/);
});
