import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fullName, parseGoBench, parseGoBenchReport, valueOf } from '../src/index.js';
import { resultLine } from '../src/format.js';

const fixture = (name: string): string => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

test('reads real go test -bench -benchmem output', () => {
  const { results, errors } = parseGoBenchReport(fixture('go-test-bench.txt'));
  assert.deepEqual(errors, []);
  assert.equal(results.length, 14);
  const [pool] = results;
  assert.deepEqual(pool, {
    name: 'BenchmarkPool', procs: 2, iterations: 2000,
    values: [{ value: 17.95, unit: 'ns/op' }, { value: 0, unit: 'B/op' }, { value: 0, unit: 'allocs/op' }],
    config: { goos: 'linux', goarch: 'amd64', pkg: 'example.com/syncpoolfixture', cpu: 'AMD EPYC' },
  });
  const copy = results.find((r) => r.name === 'BenchmarkCopy');
  assert.equal(copy && valueOf(copy, 'MB/s'), 80100.13);
  const sub = results.filter((r) => r.name.startsWith('BenchmarkSizes/'));
  assert.deepEqual([...new Set(sub.map(fullName))],
    ['BenchmarkSizes/size=4-2', 'BenchmarkSizes/size=4#01-2', 'BenchmarkSizes/with_space-2', 'BenchmarkSizes/with_space#01-2']);
  assert.equal(sub[0] && valueOf(sub[0], 'p95-ms'), 0.000125);
  // "--- FAIL:", "FAIL", "exit status 1" and "ok" lines are not results.
  assert.ok(results.every((r) => r.name !== 'BenchmarkFails'));
});

test('names without a -P suffix have procs 1 (go test -cpu 1,2)', () => {
  const results = parseGoBench(fixture('go-test-bench-cpu.txt'));
  assert.deepEqual(results.map((r) => [r.name, r.procs]),
    [['BenchmarkPool', 1], ['BenchmarkPool', 2], ['BenchmarkCopy', 1], ['BenchmarkCopy', 2]]);
});

test('benchfmt rules: configuration keys, field counts, names, bad numbers', () => {
  const { results, errors } = parseGoBenchReport([
    'goos: linux',
    'Key: not a config line (upper case)',
    'my-key:\tvalue with spaces',
    'BenchmarkA 10 1.5 ns/op',
    'Benchmarklower 10 1 ns/op',
    'Benchmark 10 1 ns/op',
    'BenchmarkOdd 10 1 ns/op 2',
    'BenchmarkIters 1.5 1 ns/op',
    'BenchmarkValue 10 abc ns/op',
    'my-key:',
    'BenchmarkB-8 7 +Inf x/op NaN y/op',
  ].join('\n'));
  assert.deepEqual(results.map((r) => r.name), ['BenchmarkA', 'Benchmark', 'BenchmarkB']);
  assert.deepEqual(results[0]?.config, { goos: 'linux', 'my-key': 'value with spaces' });
  assert.deepEqual(results[2]?.config, { goos: 'linux' });
  assert.equal(results[2]?.values[0]?.value, Infinity);
  assert.ok(Number.isNaN(results[2]?.values[1]?.value));
  assert.deepEqual(errors.map((e) => e.line), [7, 8, 9]);
});

test('our own result lines parse back to the same numbers (B/op and allocs/op truncated as Go does)', () => {
  const line = resultLine('BenchmarkX/sub-2', 20, {
    n: 123456, nsPerOp: 12.3456, mbPerSec: 1.5, extra: [['offheap-B/op', 1024], ['p50-ns', 0.25]], memory: { bytesPerOp: 1208.9, allocsPerOp: 2.5 },
  });
  const [r] = parseGoBench(`goos: linux\n${line}\n`);
  assert.deepEqual(r?.values, [
    { value: 12.35, unit: 'ns/op' }, { value: 1.5, unit: 'MB/s' }, { value: 1024, unit: 'offheap-B/op' },
    { value: 0.25, unit: 'p50-ns' }, { value: 1208, unit: 'B/op' }, { value: 2, unit: 'allocs/op' },
  ]);
  assert.equal(r?.iterations, 123456);
  assert.equal(r && fullName(r), 'BenchmarkX/sub-2');
});
