// A benchmark's result does not depend on which benchmarks its file runs before it. The two
// fixture files register the same two benchmarks in opposite orders; when they shared a
// process, Poison made Victim allocate (1 allocs/op) and run several times slower, but only in
// the file where Poison comes first (see fixtures/order/benchmarks.mjs).
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { runBenchFiles, valueOf, type BenchResult } from 'syncpool-bench';

const fixture = (name: string): string => fileURLToPath(new URL(`fixtures/order/${name}`, import.meta.url));

function values(results: BenchResult[], name: string, unit: string): number[] {
  return results.filter((r) => r.name === name).map((r) => valueOf(r, unit) ?? NaN);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;

test('a benchmark measures the same whichever benchmark its file runs first', async () => {
  const files = [fixture('victim-first.bench.mjs'), fixture('poison-first.bench.mjs')];
  const run = await runBenchFiles(files, { benchtime: '30ms', count: 3, onOutput: () => {} });
  assert.deepEqual(run.failures, []);
  const resultsOf = (file: string) => run.results.filter((r) => r.file.endsWith(file.slice(file.lastIndexOf('/'))));
  const [first, second] = [resultsOf(files[0]!), resultsOf(files[1]!)];
  // Each file's two benchmarks, timed in 3 processes each.
  assert.equal(first.length, 6);
  assert.equal(second.length, 6);
  for (const name of ['BenchmarkVictim', 'BenchmarkPoison']) {
    // Allocations are counted, not timed: the orders must agree to within a quarter of an
    // allocation per op (what an order changes is whole allocations; a count has read 6 % low
    // once in a cold process).
    const [allocsA, allocsB] = [values(first, name, 'allocs/op'), values(second, name, 'allocs/op')];
    assert.ok(allocsA.every((v, i) => Math.abs(v - (allocsB[i] ?? NaN)) < 0.25), `${name} allocs/op depends on the order: ${allocsA} | ${allocsB}`);
    // Timings: the orders' medians must agree within the run-to-run spread (the ratio of the
    // slowest to the fastest run of either order), and never less than 2×, the noise of a
    // shared 2-core machine between fresh processes. Sharing a process made Victim 11–19× slower
    // (medians of 3, load average ≈ 8).
    const [a, b] = [values(first, name, 'ns/op'), values(second, name, 'ns/op')];
    const spread = Math.max(2, ...[a, b].map((xs) => Math.max(...xs) / Math.min(...xs)));
    const ratio = Math.max(median(a), median(b)) / Math.min(median(a), median(b));
    assert.ok(ratio <= spread, `${name}: medians ${median(a)} and ${median(b)} ns/op differ by ${ratio.toFixed(2)}×, ` +
      `more than the run-to-run spread ${spread.toFixed(2)}× (runs: ${a.join(', ')} | ${b.join(', ')})`);
  }
  // Victim alone allocates nothing: the check above compares what it should.
  assert.equal(values(run.results, 'BenchmarkVictim', 'allocs/op').every((v) => v === 0), true);
});
